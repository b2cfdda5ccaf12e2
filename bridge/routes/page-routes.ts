/**
 * The hosted pages (docs/ui.md): server-rendered forms that post and are answered with a
 * 303, calling the service through the same client as the JSON routes and setting the same
 * cookies. They hold no rule of their own: the service decides, the pages say it in words.
 * A new page adds its path to PAGE_PATHS (so its failures render as pages) and its routes
 * beside the others (CONTRIBUTING.md, "Adding a page").
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { CookiePolicy } from '../cookie-policy.js';
import type { FailureAnswer } from '../middleware/error-middleware.js';
import { isFormPost } from '../pages/form.js';
import { pageFailureFrom } from '../pages/page-failure.js';
import type { PageRenderer } from '../pages/page-renderer.js';
import { accountDeletionPages } from './account-deletion-pages.js';
import { accountPages } from './account-pages.js';
import { consolePages } from './console-pages.js';
import { isConsolePath } from './console-paths.js';
import type { PageRouteDependencies } from './page-dependencies.js';
import { PASSKEY_PATHS, passkeyPages } from './passkey-pages.js';
import { passwordResetPages } from './password-reset-pages.js';
import { profilePages } from './profile-pages.js';
import { sessionPages } from './session-pages.js';
import { signInPages } from './sign-in-pages.js';
import { signUpPages } from './sign-up-pages.js';
import { strengthHintRoutes } from './strength-hint-routes.js';
import { TWO_FACTOR_PATHS, twoFactorPages } from './two-factor-pages.js';
import { verifyEmailPages } from './verify-email-pages.js';

/** Every page's path: a failure on one of them is answered with an error page rather than JSON. */
export const PAGE_PATHS: ReadonlySet<string> = new Set([
  '/',
  '/sign-in',
  '/sign-in/second-step',
  '/sign-in/passkey',
  '/sign-out',
  '/account',
  '/sign-up',
  '/verify-email',
  '/verify-email/new-link',
  '/forgot-password',
  '/password-reset',
  '/account/profile',
  '/account/password',
  '/account/sessions',
  '/account/sessions/end',
  '/account/sessions/end-others',
  '/account/sign-ins',
  '/account/delete',
  '/account/deleted',
  ...TWO_FACTOR_PATHS,
  ...PASSKEY_PATHS,
]);
/**
 * Page paths a JSON route answers too (POST /password-reset and POST /verify-email with a
 * JSON body, bridge/routes/recovery-routes.ts): a failure there is the page's only for a
 * GET or a posted form.
 */
const SHARED_WITH_JSON: ReadonlySet<string> = new Set(['/password-reset', '/verify-email']);

export function pageRoutes(deps: PageRouteDependencies): Router {
  const router = new Router({ strict: true, sensitive: true });

  // The cookie is enough to choose; /account checks the session and sends a stale one to /sign-in.
  router.get('/', (ctx) => deps.renderer.redirect(ctx, hasSessionCookie(ctx, deps.cookies) ? '/account' : '/sign-in'));

  router.get('/assets/:file', (ctx, next) => (deps.renderer.assets.serve(ctx) ? undefined : next()));

  signInPages(router, deps);
  signUpPages(router, deps);
  verifyEmailPages(router, deps);
  passwordResetPages(router, deps);
  accountPages(router, deps);
  twoFactorPages(router, deps);
  passkeyPages(router, deps);
  profilePages(router, deps);
  sessionPages(router, deps);
  accountDeletionPages(router, deps);
  strengthHintRoutes(router, deps);
  consolePages(router, deps);
  return router;
}

/** Whether a request is for a page (its failures answered with a page), rather than for a JSON route. */
export function isPageRequest(ctx: Context): boolean {
  if (isConsolePath(ctx.path)) return true;
  if (!PAGE_PATHS.has(ctx.path)) return false;
  if (!SHARED_WITH_JSON.has(ctx.path)) return true;
  return ctx.method === 'GET' || ctx.method === 'HEAD' || isFormPost(ctx);
}

/** Failures on a page's path answered with the error page, in the reader's language. */
export function pageFailureAnswer(renderer: PageRenderer): FailureAnswer {
  return (ctx, failure) => {
    if (!isPageRequest(ctx)) return false;
    renderer.renderFailure(ctx, pageFailureFrom(failure));
    return true;
  };
}

export function hasSessionCookie(ctx: Context, cookies: CookiePolicy): boolean {
  const token = cookies.readAccess(ctx);
  return token !== undefined && CookiePolicy.isTokenShaped(token);
}
