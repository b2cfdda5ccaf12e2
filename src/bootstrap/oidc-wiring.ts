/** The OpenID Provider's parts, from the service beside it (the `all` role; ADR 0019). */
import type { OidcMount } from '../../bridge/oidc/provider-mount.js';
import type { App } from './composition.js';

/** What the bridge mounts the provider with; `publicUrl` (PUBLIC_URL) is its issuer. */
export function oidcMountOf(app: App, publicUrl: string): OidcMount {
  return {
    provider: {
      issuer: publicUrl,
      store: app.adapters.oidc,
      serviceClients: app.useCases.oidcServiceClients,
      accounts: app.useCases.oidcAccounts,
      grants: app.useCases.oidcGrantRevocation,
      accessTokenRevocation: app.useCases.oidcAccessTokenRevocation,
      tokenAudit: app.useCases.oidcTokenAudit,
      tokens: app.oidc.tokens,
      cookieKeys: [app.oidc.cookieSecret],
    },
    keys: app.oidc.keys,
  };
}
