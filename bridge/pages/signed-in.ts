/**
 * Who is signed in on an account page: the session the cookies carry, as the call options
 * every call of the page makes with it. A page without a working session sends the
 * browser to /sign-in, with the page as `return_to`, and clears the stale cookies. Every
 * account page goes through here, so what counts as signed in is decided in one place.
 *
 * A session outlives its access token: when the access cookie has gone (the browser drops
 * it at its Max-Age) the refresh token is rotated as POST /refresh rotates it, both cookies
 * are set again, and the page goes on with the new access token (ADR 0013: why the refresh
 * cookie reaches these pages). At most one refresh per request. A refresh token the service
 * refuses (revoked, reused, expired, not ours) is a signed-out browser; a service that
 * cannot be reached is thrown on (the error page), and the cookies stay.
 */
import type { Context } from 'koa';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { CookiePolicy } from '../cookie-policy.js';
import { toHttpError } from '../middleware/error-middleware.js';
import { callOptionsOf } from '../routes/call-options.js';
import type { PageRouteDependencies } from '../routes/page-dependencies.js';
import { isSignedOut, pageFailureOf } from './page-failure.js';

type SessionDependencies = Pick<PageRouteDependencies, 'api' | 'cookies' | 'callTimeoutMs'>;
type SignedInDependencies = SessionDependencies & Pick<PageRouteDependencies, 'renderer'>;

/** The signed-in page's handler: its calls carry the session's token. */
export type SignedInHandler = (ctx: Context, call: ClientAuthCallOptions) => Promise<void>;

/** Methods whose handler changes nothing, so it may run again with a refreshed session. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * Runs `handler` for the browser's session, or sends the browser to sign in. A call the
 * handler makes that finds the session ended (revoked, expired, the account suspended or
 * deleted) does the same, unless the handler caught it; an access token that expired
 * while its cookie was still sent is refreshed and a GET runs again.
 */
export function signedInPage(deps: SignedInDependencies, handler: SignedInHandler): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const access = accessTokenOf(ctx, deps);
    const token = access ?? (await refreshedAccessToken(ctx, deps));
    if (token === undefined) return toSignIn(ctx, deps, access !== undefined || deps.cookies.readRefresh(ctx) !== undefined);
    const outcome = await run(ctx, deps, handler, token);
    if (outcome === 'done') return;
    const again = outcome === 'expired' && token === access && SAFE_METHODS.has(ctx.method) ? await refreshedAccessToken(ctx, deps) : undefined;
    if (again !== undefined && (await run(ctx, deps, handler, again)) === 'done') return;
    toSignIn(ctx, deps, true);
  };
}

/**
 * The access token of a rotated refresh token (both new cookies set unless `keep` is
 * false), or undefined when the request holds no refresh token that works.
 */
export async function refreshedAccessToken(ctx: Context, deps: SessionDependencies, keep = true): Promise<string | undefined> {
  const refreshToken = deps.cookies.readRefresh(ctx);
  if (refreshToken === undefined || !CookiePolicy.isTokenShaped(refreshToken)) return undefined;
  let session: Awaited<ReturnType<typeof deps.api.refreshToken>>;
  try {
    session = await deps.api.refreshToken({ refreshToken }, callOptionsOf(ctx, deps.callTimeoutMs));
  } catch (error) {
    if (isSignedOut(pageFailureOf(error))) return undefined;
    throw error;
  }
  if (keep) {
    deps.cookies.setSession(
      ctx,
      { value: session.accessToken, expiresAt: session.accessTokenExpireTime },
      { value: session.refreshToken, expiresAt: session.refreshTokenExpireTime },
    );
  }
  return session.accessToken;
}

/** The access cookie's token, when it could be one we issued. */
export function accessTokenOf(ctx: Context, deps: Pick<SessionDependencies, 'cookies'>): string | undefined {
  const token = deps.cookies.readAccess(ctx);
  return token !== undefined && CookiePolicy.isTokenShaped(token) ? token : undefined;
}

/** Whether a call failed because its access token expired (and nothing else about the session). */
export function isExpiredToken(error: unknown): boolean {
  return toHttpError(error).body.reason === 'TOKEN_EXPIRED';
}

async function run(ctx: Context, deps: SessionDependencies, handler: SignedInHandler, token: string): Promise<'done' | 'expired' | 'signed-out'> {
  try {
    await handler(ctx, callOptionsOf(ctx, deps.callTimeoutMs, token));
    return 'done';
  } catch (error) {
    if (!isSignedOut(pageFailureOf(error))) throw error;
    return isExpiredToken(error) ? 'expired' : 'signed-out';
  }
}

/** The sign-in page, coming back to this page (a GET) afterwards; the stale cookies cleared when there were any. */
function toSignIn(ctx: Context, deps: SignedInDependencies, stale: boolean): void {
  if (stale) deps.cookies.clearSession(ctx);
  const back = ctx.method === 'GET' ? `?return_to=${encodeURIComponent(ctx.path)}` : '';
  deps.renderer.redirect(ctx, `/sign-in${back}`);
}
