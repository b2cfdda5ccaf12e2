/**
 * Cross-site protection: CORS for the configured origins, and a refusal of every
 * state-changing request another site makes.
 *
 * SameSite=Lax keeps the cookies off cross-site POSTs, but not off requests from a
 * sibling subdomain (same site), and it does nothing against login CSRF (logging the
 * victim into the attacker's account needs no cookie). So a state-changing request is
 * refused with 403 CROSS_SITE_REQUEST unless it comes from the bridge's own origin or a
 * configured one. Requests with neither Origin nor Sec-Fetch-Site (curl, servers) are not
 * browsers acting for someone else, and pass.
 */
import type { Context, Middleware } from 'koa';
import { ORIGINAL_REFRESH_PATH, REFRESH_PATH } from '../cookie-policy.js';
import { HttpError } from './http-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** GET routes that still change state (they rotate tokens), so they are guarded too. */
const STATE_CHANGING_GET_PATHS = new Set([REFRESH_PATH, ORIGINAL_REFRESH_PATH]);

const PREFLIGHT_MAX_AGE_SECONDS = 600;
const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOWED_REQUEST_HEADERS = 'Content-Type, Authorization, X-Request-Id';

export function crossSiteGuard(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  return async (ctx, next) => {
    ctx.vary('Origin');
    const origin = ctx.get('Origin');
    const originAllowed = origin !== '' && allowed.has(origin);
    if (originAllowed) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Credentials', 'true');
      ctx.set('Access-Control-Expose-Headers', 'X-Request-Id');
    }

    if (ctx.method === 'OPTIONS' && origin !== '' && ctx.get('Access-Control-Request-Method') !== '') {
      if (!originAllowed) throw crossSite();
      ctx.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
      ctx.set('Access-Control-Allow-Headers', ALLOWED_REQUEST_HEADERS);
      ctx.set('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      ctx.status = 204;
      return;
    }

    if (changesState(ctx) && !fromTrustedSite(ctx, origin, originAllowed)) throw crossSite();
    await next();
  };
}

function changesState(ctx: Context): boolean {
  // Compared as a lenient router would match it, so /Refresh/ cannot slip past the guard.
  return !SAFE_METHODS.has(ctx.method) || STATE_CHANGING_GET_PATHS.has(ctx.path.toLowerCase().replace(/\/+$/, ''));
}

function fromTrustedSite(ctx: Context, origin: string, originAllowed: boolean): boolean {
  if (originAllowed) return true;
  // Sec-Fetch-Site is set by the browser and page script cannot forge it, so it is the
  // better witness: it still says same-origin when a proxy in front of us rewrote the Host.
  switch (ctx.get('Sec-Fetch-Site')) {
    case 'same-origin':
    case 'none':
      return true;
    case 'cross-site':
    case 'same-site':
      return false;
  }
  // An older browser, or no browser at all.
  return origin === '' || origin === `${ctx.protocol}://${ctx.host}`;
}

function crossSite(): HttpError {
  return new HttpError('CROSS_SITE_REQUEST', 'cross-site requests may not change state here; add the page origin to CORS_ORIGINS if it is yours');
}
