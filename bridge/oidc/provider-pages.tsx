/**
 * The pages oidc-provider renders itself (its error page, the end-session confirmation,
 * the signed-out page) as hosted pages: our layout, stylesheet and messages in the
 * reader's language, and the pages' security headers. The end-session form may lead to
 * that client's post-logout origins (the form's post is redirected there); the error page
 * says the OAuth error code and our words, never the request's values or the library's text.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { PageRenderer } from '../pages/page-renderer.js';
import { OidcErrorView } from '../views/oidc-error-view.js';
import { OidcLogoutView } from '../views/oidc-logout-view.js';
import { OidcSignedOutView } from '../views/oidc-signed-out-view.js';
import { originsOf } from './interaction-origins.js';
import type { ProviderPages } from './provider-configuration.js';

/** OAuth error codes are the library's own lower-case words; anything else is shown as server_error. */
const ERROR_CODE = /^[a-z_]{1,64}$/;

/**
 * The library's end-session form (its `logoutSource` argument): where it posts and its
 * CSRF token. oidc-provider 9 builds it as one form with one hidden `xsrf` input; a
 * release that changes it fails here, and the logout tests with it.
 */
function logoutFormOf(form: string): { action: string; xsrf: string } {
  const action = /\baction="([^"]+)"/.exec(form)?.[1];
  const xsrf = /\bname="xsrf" value="([^"]*)"/.exec(form)?.[1];
  if (action === undefined || xsrf === undefined) throw new Error('oidc-provider gave an end-session form these pages do not know');
  return { action, xsrf };
}

function appOf(ctx: KoaContextWithOIDC): string | null {
  const client = ctx.oidc?.client;
  return client ? (client.clientName ?? client.clientId) : null;
}

export function providerPages(renderer: PageRenderer): ProviderPages {
  return {
    renderError: (ctx, out) => {
      const code = typeof out.error === 'string' && ERROR_CODE.test(out.error) ? out.error : 'server_error';
      renderer.render(ctx, <OidcErrorView frame={renderer.frame(ctx)} code={code} />, { status: ctx.status });
    },
    logoutSource: (ctx, form) => {
      const { action, xsrf } = logoutFormOf(form);
      const formOrigins = originsOf(ctx.oidc.client?.postLogoutRedirectUris ?? []);
      renderer.render(ctx, <OidcLogoutView frame={renderer.frame(ctx)} app={appOf(ctx)} action={action} xsrf={xsrf} />, { formOrigins });
    },
    postLogoutSuccessSource: (ctx) => {
      renderer.render(ctx, <OidcSignedOutView frame={renderer.frame(ctx)} app={appOf(ctx)} />);
    },
  };
}
