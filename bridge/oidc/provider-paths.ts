/**
 * The OpenID Provider's paths and the names the bridge's pages share with it, kept apart
 * from its configuration so that the pages import them without oidc-provider, which loads
 * at the first request the provider answers (provider-mount.ts).
 */

/** Where the provider's endpoints are, under the bridge; the JWKS is our own route. */
export const OIDC_ROUTES = {
  authorization: '/oidc/authorize',
  token: '/oidc/token',
  userinfo: '/oidc/userinfo',
  jwks: '/.well-known/jwks.json',
  introspection: '/oidc/introspect',
  revocation: '/oidc/revoke',
  end_session: '/oidc/logout',
} as const;

/** Where the provider sends a browser to sign in or consent (bridge/oidc/interactions.ts). */
export const INTERACTION_PATH = '/oidc/interaction';
/** The `acr` of a sign-in with one factor, and with a second one (TOTP or a passkey). */
export const ACR_ONE_FACTOR = 'urn:client-auth:acr:1fa';
export const ACR_TWO_FACTORS = 'urn:client-auth:acr:2fa';

/** An extra metadata field carrying a service client's groups into its tokens. */
export const GROUPS_FIELD = 'client_auth_groups';
/** An extra metadata field: the client skips the consent page (SetOidcClient's first_party). */
export const FIRST_PARTY_FIELD = 'client_auth_first_party';
