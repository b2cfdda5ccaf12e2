/**
 * Every decision about the session cookies, in one place: their names, their attributes,
 * and how they are read back.
 *
 * - The access token goes in `token` (the gateway reads that name): HttpOnly, SameSite=Lax,
 *   Path=/, Max-Age its remaining lifetime in seconds.
 * - The refresh token goes in its own HttpOnly cookie scoped to /refresh, so it travels
 *   with no other request; and, with the same value, to /refresh-user-token, the original
 *   service's refresh route (a cookie path matches only itself and what lies below it).
 *   With the hosted pages on, also to the pages that keep a session alive past its access
 *   token: /account and /admin (and below) refresh it, /sign-out ends it (ADR 0013). Never Path=/:
 *   the JSON routes, /auth and whatever a gateway puts on this origin never see it.
 * - Secure when configured or when the request came over TLS; with COOKIE_HOST_PREFIX the
 *   names carry `__Host-` (access) and `__Secure-` (refresh: `__Host-` demands Path=/), so
 *   a sibling subdomain cannot plant a cookie that shadows ours.
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Context } from 'koa';
import type { Config } from '../src/config/index.js';

/** Where the refresh cookie is sent: both GET and POST /refresh live here. */
export const REFRESH_PATH = '/refresh';
/** The original service's refresh route, kept as an alias of REFRESH_PATH. */
export const ORIGINAL_REFRESH_PATH = '/refresh-user-token';
/**
 * The hosted pages that need the refresh token: /account and the admin console at /admin
 * (and the pages below them) rotate it when the access token has gone, /sign-out ends its session.
 */
export const PAGE_SESSION_PATHS: readonly string[] = ['/account', '/admin', '/sign-out'];

/** A token and when it expires, as the service issued them. */
export interface IssuedToken {
  value: string;
  expiresAt: Date | undefined;
}

/** Characters a JWT or a base64url secret consists of; anything else is not ours. */
const TOKEN_VALUE = /^[A-Za-z0-9._~+/=-]{1,4096}$/;

export class CookiePolicy {
  readonly accessName: string;
  readonly refreshName: string;
  /** Where the refresh cookie is set, and cleared: every path that reads it. */
  private readonly refreshPaths: readonly string[];

  constructor(
    private readonly config: Pick<Config['bridge'], 'accessCookieName' | 'refreshCookieName' | 'cookieSecure' | 'cookieHostPrefix' | 'ui'>,
    private readonly now: () => number = Date.now,
  ) {
    this.refreshPaths = [REFRESH_PATH, ORIGINAL_REFRESH_PATH, ...(config.ui.enabled ? PAGE_SESSION_PATHS : [])];
    this.accessName = config.cookieHostPrefix ? `__Host-${config.accessCookieName}` : config.accessCookieName;
    this.refreshName = config.cookieHostPrefix ? `__Secure-${config.refreshCookieName}` : config.refreshCookieName;
  }

  /** Sets both cookies of a fresh session (after Login or RefreshToken). */
  setSession(ctx: Context, access: IssuedToken, refresh: IssuedToken): void {
    ctx.append('Set-Cookie', this.serialize(ctx, this.accessName, access.value, '/', this.maxAgeOf(access.expiresAt)));
    for (const path of this.refreshPaths) {
      ctx.append('Set-Cookie', this.serialize(ctx, this.refreshName, refresh.value, path, this.maxAgeOf(refresh.expiresAt)));
    }
  }

  /** Tells the browser to drop both cookies: same name and path, Max-Age=0. */
  clearSession(ctx: Context): void {
    ctx.append('Set-Cookie', this.serialize(ctx, this.accessName, '', '/', 0));
    for (const path of this.refreshPaths) ctx.append('Set-Cookie', this.serialize(ctx, this.refreshName, '', path, 0));
  }

  readAccess(ctx: Context): string | undefined {
    return readCookie(ctx.get('Cookie'), this.accessName);
  }

  readRefresh(ctx: Context): string | undefined {
    return readCookie(ctx.get('Cookie'), this.refreshName);
  }

  /** Whether a cookie value (or bearer token) could be a token we issued, and is safe to forward. */
  static isTokenShaped(value: string): boolean {
    return TOKEN_VALUE.test(value);
  }

  private maxAgeOf(expiresAt: Date | undefined): number {
    if (!expiresAt) throw new Error('the service issued a token without an expiry');
    return Math.max(0, Math.round((expiresAt.getTime() - this.now()) / 1000));
  }

  private serialize(ctx: Context, name: string, value: string, path: string, maxAge: number): string {
    if (value !== '' && !TOKEN_VALUE.test(value)) throw new Error('a token holds characters a cookie cannot carry');
    return stringifySetCookie({ name, value, maxAge, path, httpOnly: true, sameSite: 'lax', secure: this.config.cookieSecure || ctx.secure }, AS_IS);
  }
}

/** Token values are checked against TOKEN_VALUE instead: none needs escaping, and an escaped one is not ours. */
const AS_IS = { encode: (value: string) => value, decode: unquoted };

/** A quoted cookie value (RFC 6265 allows DQUOTE around it) means the same without the quotes. */
function unquoted(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/**
 * The first value of a cookie in a Cookie header. Browsers list the cookie with the
 * longest path first, so for equal names the most specific one wins.
 */
export function readCookie(header: string, name: string): string | undefined {
  const value = parseCookie(header, AS_IS)[name];
  return value === '' ? undefined : value;
}
