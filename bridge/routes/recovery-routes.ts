/**
 * The browser routes of password reset and email verification. Each makes one gRPC call.
 * Every answer here carries `Referrer-Policy: no-referrer`, so a token in the address
 * never travels on to another site in a Referer header. With the hosted pages (UI_ENABLED)
 * the mailed links open pages instead (password-reset-pages.tsx, verify-email-pages.tsx),
 * and the forms those pages post go to them; JSON bodies stay here.
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { ClientAuthCallOptions, ClientAuthCalls } from '../../src/sdk/typed-client.js';
import { type BodyFields, bodyFields, ROUTE_FIELDS } from '../json/body-fields.js';
import { clientJson } from '../json/client-json.js';
import { readJsonObject } from '../json/request-body.js';
import { stringField } from '../json/request-fields.js';
import { respondJson } from '../json/respond.js';
import { invalidField } from '../middleware/http-error.js';
import { isFormPost } from '../pages/form.js';
import { RESET_PAGE_HTML, RESET_PAGE_SCRIPT } from './recovery-page.js';

export interface RecoveryRouteDependencies {
  api: ClientAuthCalls;
  callTimeoutMs: number;
  bodyLimitBytes: number;
  /** Where GET /verify-email sends the browser once the email is verified. */
  emailVerifiedRedirectUrl: string;
  /** The hosted pages answer the mailed links and take their forms' posts. */
  pages: boolean;
}

/** The same answer for every email, known or not. */
const RESET_REQUESTED = { message: 'if an account has this email, a password-reset link is on its way to it' };

/** The reset page runs only its own script, sends nothing anywhere but here, and cannot be framed. */
const RESET_PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function recoveryRoutes(deps: RecoveryRouteDependencies): Router {
  const { api } = deps;
  const router = new Router({ strict: true, sensitive: true });
  const body = async (ctx: Context, fields: BodyFields) => bodyFields(ctx, await readJsonObject(ctx, deps.bodyLimitBytes), fields);
  const callOptions = (ctx: Context): ClientAuthCallOptions => ({
    deadlineMs: deps.callTimeoutMs,
    requestId: ctx.state['requestId'] as string,
    // The one client IP of the bridge (middleware/browser-ip.ts); Koa's ctx.ip would take X-Forwarded-For's first entry, which the client writes.
    clientIp: ctx.state['clientIp'] as string,
  });
  const noReferrer = async (ctx: Context, next: Next) => {
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
  };
  router.use(['/password-reset', '/password-reset.js', '/password-reset/request', '/verify-email'], noReferrer);
  /** A form posted to a path a page shares goes on to the page. */
  const jsonOnly =
    (handler: (ctx: Context) => Promise<void>) =>
    (ctx: Context, next: Next): Promise<void> =>
      deps.pages && isFormPost(ctx) ? next() : handler(ctx);

  router.post('/password-reset/request', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.requestPasswordReset);
    await api.requestPasswordReset({ email: stringField(input, 'email') }, callOptions(ctx));
    ctx.status = 202;
    respondJson(ctx, RESET_REQUESTED);
  });

  if (!deps.pages) {
    router.get('/password-reset', (ctx) => {
      ctx.set('Content-Security-Policy', RESET_PAGE_CSP);
      ctx.type = 'html';
      ctx.body = RESET_PAGE_HTML;
    });
    router.get('/password-reset.js', (ctx) => {
      ctx.type = 'application/javascript';
      ctx.body = RESET_PAGE_SCRIPT;
    });
  }

  router.post(
    '/password-reset',
    jsonOnly(async (ctx) => {
      const input = await body(ctx, ROUTE_FIELDS.resetPassword);
      await api.resetPassword({ token: stringField(input, 'token'), newPassword: stringField(input, 'new_password') }, callOptions(ctx));
      ctx.status = 204;
    }),
  );

  router.post(
    '/verify-email',
    jsonOnly(async (ctx) => {
      const input = await body(ctx, ROUTE_FIELDS.verifyEmail);
      const { client } = await api.verifyEmail({ token: stringField(input, 'token') }, callOptions(ctx));
      respondJson(ctx, { client: clientJson(client) });
    }),
  );

  // A link opened from a mail program: a top-level navigation from another site, which the
  // cross-site guard would refuse for a state-changing route. It needs no guard: it uses
  // no cookie, and the token it spends proves the mailbox, whoever's browser brings it.
  if (!deps.pages) {
    router.get('/verify-email', async (ctx) => {
      const token = ctx.query['token'];
      if (typeof token !== 'string') throw invalidField('token', 'the link must carry one token');
      await api.verifyEmail({ token }, callOptions(ctx));
      ctx.status = 303;
      ctx.redirect(deps.emailVerifiedRedirectUrl);
    });
  }

  return router;
}
