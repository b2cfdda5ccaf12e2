/**
 * The one set of security headers every page carries (docs/ui.md#security-headers):
 * a Content-Security-Policy that runs only the bridge's own script files (no inline script
 * or style, no eval), posts forms only to the bridge, and forbids framing; no MIME
 * sniffing; no caching; and no Referer leaving the bridge (none at all from a page that
 * carries a token).
 */
import type { Context } from 'koa';
import type { UiConfig } from '../../src/config/index.js';

export interface PageHeaderOptions {
  /**
   * A page with a token in its address (a mailed link): no Referer at all, even to the
   * bridge. Its form posts then carry `Origin: null`, so the cross-site guard relies on
   * Sec-Fetch-Site for them.
   */
  carriesToken?: boolean;
  /**
   * Origins this page's forms may lead to besides the policy's own: the registered
   * redirect origins of the one OpenID client whose interaction the page is part of
   * (bridge/oidc/interaction-origins.ts). Empty on every other page.
   */
  formOrigins?: readonly string[];
}

/**
 * The policy of every page. form-action lists the return origins: browsers apply it to
 * the redirect that follows a form's post too, and a sign-in answers with a 303 to
 * return_to. A page in an OpenID Provider interaction adds its client's redirect origins
 * (`formOrigins`), as its post ends at that client. img-src lists the logo's origin when
 * the logo lives elsewhere.
 */
export function pagePolicy(ui: Pick<UiConfig, 'returnToOrigins' | 'logoUrl'>, formOrigins: readonly string[] = []): string {
  const logoOrigin = ui.logoUrl !== null && !ui.logoUrl.startsWith('/') ? new URL(ui.logoUrl).origin : null;
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    ["form-action 'self'", ...new Set([...ui.returnToOrigins, ...formOrigins])].join(' '),
    ...(logoOrigin !== null ? [`img-src 'self' ${logoOrigin}`] : []),
  ];
  return directives.join('; ');
}

export function setPageHeaders(ctx: Context, policy: string, options: PageHeaderOptions = {}): void {
  ctx.set('Content-Security-Policy', policy);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', options.carriesToken ? 'no-referrer' : 'same-origin');
  // Pages show who is signed in, what they typed, and challenge tokens: no cache keeps them.
  ctx.set('Cache-Control', 'no-store');
  ctx.vary('Accept-Language');
  ctx.vary('Cookie');
}
