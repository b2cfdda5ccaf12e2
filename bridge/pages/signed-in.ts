/**
 * Who is signed in on an account page: the session the access cookie carries, as the call
 * options every call of the page makes with it. A page without a working session sends the
 * browser to /sign-in, with the page as `return_to`, and clears the stale cookies. Every
 * account page goes through here, so what counts as signed in is decided in one place.
 */
import type { Context } from 'koa';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { CookiePolicy } from '../cookie-policy.js';
import { callOptionsOf } from '../routes/call-options.js';
import type { PageRouteDependencies } from '../routes/page-dependencies.js';
import { isSignedOut, pageFailureOf } from './page-failure.js';

type SignedInDependencies = Pick<PageRouteDependencies, 'cookies' | 'renderer' | 'callTimeoutMs'>;

/** The signed-in page's handler: its calls carry the session's token. */
export type SignedInHandler = (ctx: Context, call: ClientAuthCallOptions) => Promise<void>;

/**
 * Runs `handler` for the browser's session, or sends the browser to sign in. A call the
 * handler makes that finds the session ended (revoked, expired, the account suspended or
 * deleted) does the same, unless the handler caught it.
 */
export function signedInPage(deps: SignedInDependencies, handler: SignedInHandler): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const token = deps.cookies.readAccess(ctx);
    if (token === undefined || !CookiePolicy.isTokenShaped(token)) return toSignIn(ctx, deps);
    try {
      await handler(ctx, callOptionsOf(ctx, deps.callTimeoutMs, token));
    } catch (error) {
      if (!isSignedOut(pageFailureOf(error))) throw error;
      deps.cookies.clearSession(ctx);
      toSignIn(ctx, deps);
    }
  };
}

/** The sign-in page, coming back to this page (a GET) afterwards. */
function toSignIn(ctx: Context, deps: SignedInDependencies): void {
  const back = ctx.method === 'GET' ? `?return_to=${encodeURIComponent(ctx.path)}` : '';
  deps.renderer.redirect(ctx, `/sign-in${back}`);
}
