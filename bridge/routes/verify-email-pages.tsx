/**
 * /verify-email: the page the mailed verification link opens (`?token=`), whose button
 * posts the token (POST /verify-email, VerifyEmail), and the place a signed-in person whose
 * address is not confirmed yet asks for a new link (POST /verify-email/new-link,
 * SendEmailVerification). The token proves the mailbox, whoever's browser brings it, so the
 * pages need no session. Opening the link spends nothing (a mail scanner may fetch it
 * first); the post does, and is refused cross-site like every form. The page is answered
 * with no Referer (carriesToken), and the bridge logs paths, never queries or bodies.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Client } from '../../gen/clientauth/v1/client.js';
import { CookiePolicy } from '../cookie-policy.js';
import { readForm } from '../pages/form.js';
import { formFailure } from '../pages/form-failure.js';
import { expectedFailureOf, failureMessage, isSignedOut, type PageFailure, pageFailureOf } from '../pages/page-failure.js';
import { returnTarget, withReturn } from '../pages/return-to.js';
import type { PageFrame } from '../views/page-frame.js';
import { type VerifyEmailState, VerifyEmailView } from '../views/verify-email-view.js';
import { callOptionsOf } from './call-options.js';
import type { PageRouteDependencies } from './page-dependencies.js';

const SIGN_IN_FIRST = '/sign-in?return_to=%2Fverify-email';
/** Where a confirmed link leads (a 303, so a reload posts nothing again). */
const VERIFIED = '/verify-email?notice=verified';

export function verifyEmailPages(router: Router, deps: PageRouteDependencies): void {
  const { api, cookies, renderer } = deps;
  const checkedReturn = (value: unknown) => returnTarget(value, deps.ui.returnToOrigins) ?? undefined;

  /** The signed-in person's client, or nothing when the browser holds no working session. */
  const signedIn = async (ctx: Context): Promise<Client | undefined> => {
    const token = cookies.readAccess(ctx);
    if (token === undefined || !CookiePolicy.isTokenShaped(token)) return undefined;
    try {
      return (await api.getMe({}, callOptionsOf(ctx, deps.callTimeoutMs, token))).client;
    } catch (error) {
      if (isSignedOut(pageFailureOf(error))) return undefined;
      throw error;
    }
  };

  /** Spends the link's token: the client whose address it confirmed, or why the link does not work. */
  const verify = async (ctx: Context, token: unknown): Promise<{ client: Client } | { failure: PageFailure }> => {
    // A link cut short, or one token too many, reads as a link that does not work, as an unknown token does.
    if (typeof token !== 'string' || token === '') return { failure: { status: 400, reason: 'VERIFICATION_TOKEN_INVALID' } };
    let client: Client | undefined;
    try {
      client = (await api.verifyEmail({ token }, callOptionsOf(ctx, deps.callTimeoutMs))).client;
    } catch (error) {
      const failure = expectedFailureOf(error);
      return { failure: failure.reason === 'INVALID_ARGUMENT' ? { ...failure, reason: 'VERIFICATION_TOKEN_INVALID' } : failure };
    }
    if (!client) throw new Error('the service answered VerifyEmail without a client');
    return { client };
  };

  const verifyView = (ctx: Context, frame: PageFrame, state: VerifyEmailState, returnTo?: string, status = 200) =>
    renderer.render(ctx, <VerifyEmailView frame={frame} state={state} returnTo={returnTo} />, { status, carriesToken: true });

  router.get('/verify-email', async (ctx) => {
    const frame = renderer.frame(ctx);
    const returnTo = checkedReturn(ctx.query['return_to']);
    const token = ctx.query['token'];
    if (token !== undefined) {
      // Opening the link spends nothing, so a mail scanner that fetches it leaves it working: the button posts the token.
      if (typeof token === 'string' && token !== '') return verifyView(ctx, frame, { kind: 'confirm', token });
      const message = failureMessage(frame.locale, { status: 400, reason: 'VERIFICATION_TOKEN_INVALID' });
      return verifyView(ctx, frame, { kind: 'invalid', message, signedIn: false }, returnTo, 400);
    }
    const me = await signedIn(ctx);
    const notice = ctx.query['notice'];
    if (me === undefined) {
      if (notice === 'verified') return verifyView(ctx, frame, { kind: 'verified', continueTo: deps.emailVerifiedRedirectUrl });
      return renderer.redirect(ctx, SIGN_IN_FIRST);
    }
    const continueTo = returnTo ?? '/account';
    if (me.emailVerified) return verifyView(ctx, frame, { kind: 'verified', email: me.email, continueTo }, returnTo);
    const pendingNotice = notice === 'signed-up' || notice === 'sent' ? notice : undefined;
    verifyView(ctx, frame, { kind: 'pending', email: me.email, continueTo, notice: pendingNotice }, returnTo);
  });

  // The mailed link's button. Like the link, it needs no session: the token proves the mailbox.
  router.post('/verify-email', async (ctx) => {
    const form = await readForm(ctx, deps.bodyLimitBytes, ['token']);
    const verified = await verify(ctx, form.token);
    if ('client' in verified) return renderer.redirect(ctx, VERIFIED);
    const { failure } = verified;
    const me = await signedIn(ctx);
    // A link used twice (a second tab, a double click) has done its work already.
    if (me?.emailVerified) return renderer.redirect(ctx, VERIFIED);
    const frame = renderer.frame(ctx);
    const message = failureMessage(frame.locale, failure);
    verifyView(ctx, frame, { kind: 'invalid', message, signedIn: me !== undefined && failure.reason !== 'FEATURE_DISABLED' }, undefined, failure.status);
  });

  router.post('/verify-email/new-link', async (ctx) => {
    const form = await readForm(ctx, deps.bodyLimitBytes, ['return_to']);
    const returnTo = checkedReturn(form.return_to);
    const me = await signedIn(ctx);
    if (me === undefined) return renderer.redirect(ctx, SIGN_IN_FIRST);
    try {
      await api.sendEmailVerification({}, callOptionsOf(ctx, deps.callTimeoutMs, cookies.readAccess(ctx)));
    } catch (error) {
      const frame = renderer.frame(ctx);
      const { errors, failure } = formFailure(ctx, frame.locale, error, { invalid: {} });
      const state: VerifyEmailState = { kind: 'pending', email: me.email, continueTo: returnTo ?? '/account' };
      return renderer.render(ctx, <VerifyEmailView frame={frame} state={state} errors={errors} returnTo={returnTo} />, { status: failure.status });
    }
    renderer.redirect(ctx, withReturn('/verify-email', returnTo, { notice: 'sent' }));
  });
}
