/**
 * The OpenID Provider (oidc-provider, ADR 0019): its configuration on our stores, keys and
 * clients. Only what is served is switched on; discovery is generated from this, so it
 * advertises nothing else.
 */
import { randomUUID } from 'node:crypto';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { RequestContext } from '../../src/domain/kernel/request.js';
import type { OidcAccessTokenRevocation } from '../../src/domain/oidc/access-token-revocation.js';
import type { OidcAccounts } from '../../src/domain/oidc/accounts.js';
import type { OidcGrantRevocation } from '../../src/domain/oidc/grant-revocation.js';
import type { OidcStore } from '../../src/domain/oidc/ports.js';
import type { OidcServiceClients } from '../../src/domain/oidc/service-clients.js';
import type { OidcTokenAudit } from '../../src/domain/oidc/token-audit.js';
import { storeAdapters } from './provider-adapter.js';
import { ProviderClients } from './provider-clients.js';
import type { KeystoreState } from './provider-keys.js';
import { ACR_ONE_FACTOR, ACR_TWO_FACTORS, FIRST_PARTY_FIELD, GROUPS_FIELD, INTERACTION_PATH, OIDC_ROUTES } from './provider-paths.js';
import { revokeStructuredAccessTokens } from './structured-token-revocation.js';
import { auditTokenEndpoint } from './token-endpoint-audit.js';

/** The access tokens' lifetimes and the claims our token check expects of them. */
export interface OidcTokenSettings {
  /** JWT_ISSUER and JWT_AUDIENCE: what ValidateToken checks. */
  issuer: string;
  audience: string;
  userSeconds: number;
  serviceSeconds: number;
  refreshSeconds: number;
}

type RpInitiatedLogout = NonNullable<NonNullable<Configuration['features']>['rpInitiatedLogout']>;

/** The pages the provider renders itself, as hosted pages (provider-pages.tsx). */
export interface ProviderPages {
  renderError: NonNullable<Configuration['renderError']>;
  logoutSource: NonNullable<RpInitiatedLogout['logoutSource']>;
  postLogoutSuccessSource: NonNullable<RpInitiatedLogout['postLogoutSuccessSource']>;
}

export interface OidcProviderDependencies {
  /** PUBLIC_URL: the issuer, and where every URL discovery names starts. */
  issuer: string;
  store: OidcStore;
  serviceClients: OidcServiceClients;
  accounts: OidcAccounts;
  grants: OidcGrantRevocation;
  /** Revokes one access token for the client it was issued to (RFC 7009). */
  accessTokenRevocation: OidcAccessTokenRevocation;
  tokens: OidcTokenSettings;
  /** Keys that sign the provider's cookies (derived from the key-encryption key). */
  cookieKeys: string[];
  /** Records the token endpoint's responses and refusals in the audit trail. */
  tokenAudit: OidcTokenAudit;
  /** Where a request came from (the client IP as the bridge's policy reckons it, for the attempt limits and the audit trail). */
  requestOf(ctx: KoaContextWithOIDC): RequestContext;
  /** The provider's own pages (errors, end-session confirmation, signed out) as hosted pages. */
  pages: ProviderPages;
  /** Ends the browser's client-auth session (its cookies and the session itself): RP-initiated logout signs out of both. */
  endBrowserSession(ctx: KoaContextWithOIDC): void;
}

/** The one resource server: every API that checks tokens with our JWKS, ValidateToken or GET /auth. */
const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'groups'];

/**
 * A provider for one state of the key set. The provider is rebuilt when a rotation changes
 * the state (provider-mount.ts); everything it keeps between requests is in the store.
 */
export function buildProvider(deps: OidcProviderDependencies, keystore: KeystoreState): Provider {
  const resource = `${deps.issuer}/`;
  const clients = new ProviderClients(deps.serviceClients);
  const configuration: Configuration = {
    adapter: storeAdapters(deps.store, clients.metadata),
    jwks: { keys: keystore.keys },
    routes: { ...OIDC_ROUTES },
    scopes: SCOPES,
    claims: {
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      profile: ['name', 'given_name', 'family_name'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: keystore.algorithm,
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: [keystore.algorithm],
      userinfoSigningAlgValues: [keystore.algorithm],
      introspectionSigningAlgValues: [keystore.algorithm],
      authorizationSigningAlgValues: [keystore.algorithm],
      requestObjectSigningAlgValues: [keystore.algorithm],
      clientAuthSigningAlgValues: [keystore.algorithm],
    },
    extraClientMetadata: { properties: [GROUPS_FIELD, FIRST_PARTY_FIELD] },
    responseTypes: ['code'],
    acrValues: [ACR_ONE_FACTOR, ACR_TWO_FACTORS],
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const claims = await deps.accounts.claimsOf(sub);
      return claims === null ? undefined : { accountId: sub, claims: () => ({ ...claims }) };
    },
    // First-party clients (SetOidcClient) are granted what they ask, within what they may ask, without a consent page.
    loadExistingGrant: async (ctx) => {
      const { client, session, provider } = ctx.oidc;
      const grantId = ctx.oidc.result?.consent?.grantId ?? (client ? session?.grantIdFor(client.clientId) : undefined);
      // A grant the session still names may be gone (revoked: a refresh token reused, a logout
      // elsewhere); a first-party client then gets a new one rather than a consent page.
      const existing = grantId ? await provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      if (!client || !session?.accountId || client.metadata()[FIRST_PARTY_FIELD] !== true) return undefined;
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const scopes = [...ctx.oidc.requestParamScopes].filter((scope) => (client.scope ?? '').split(' ').includes(scope));
      grant.addOIDCScope(scopes.join(' '));
      grant.addResourceScope(resource, scopes.filter((scope) => scope !== 'offline_access').join(' '));
      await grant.save();
      return grant;
    },
    renderError: deps.pages.renderError,
    rotateRefreshToken: () => true,
    // OpenID Connect gives offline_access only with prompt=consent; a first-party client,
    // which never sees a consent page, gets refresh tokens by its registration alone.
    issueRefreshToken: (_ctx, client, source) =>
      client.grantTypeAllowed('refresh_token') && (source.scopes.has('offline_access') || client.metadata()[FIRST_PARTY_FIELD] === true),
    cookies: { keys: deps.cookieKeys },
    ttl: {
      AccessToken: deps.tokens.userSeconds,
      ClientCredentials: deps.tokens.serviceSeconds,
      AuthorizationCode: 60,
      IdToken: deps.tokens.userSeconds,
      Interaction: 600,
      RefreshToken: deps.tokens.refreshSeconds,
      Grant: deps.tokens.refreshSeconds,
      Session: deps.tokens.refreshSeconds,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      // Answered by introspection.ts (our JWT access tokens are not stored); enabled so discovery names it.
      introspection: { enabled: true },
      // The library's own pages load a web font from Google; ours are the hosted pages (provider-pages.tsx).
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: deps.pages.logoutSource,
        postLogoutSuccessSource: deps.pages.postLogoutSuccessSource,
      },
      // A DPoP-bound token would be honoured by no gateway in front of our APIs.
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      externalSigningSupport: { enabled: true, ack: 'experimental-01' },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator, client) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          const service = client.grantTypes?.includes('client_credentials') === true;
          return {
            scope: SCOPES.filter((scope) => scope !== 'offline_access').join(' '),
            audience: deps.tokens.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: service ? deps.tokens.serviceSeconds : deps.tokens.userSeconds,
            jwt: { sign: { alg: keystore.algorithm } },
          };
        },
      },
    },
    extraTokenClaims: async (ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        // A service token belongs to no session: a fresh id, as IssueServiceToken gives; its
        // groups as the client read for this request has them.
        const groups = token.clientId ? ((await clients.of(ctx, token.clientId))?.groups ?? []) : [];
        return { id: token.clientId, groups, kind: 'service', sid: randomUUID() };
      }
      // A person's token: the groups they have now, and the grant as its session, so that revoking the grant revokes it.
      const claims = token.accountId ? await deps.accounts.claimsOf(token.accountId) : null;
      if (claims === null) throw new errors.InvalidGrant('the account cannot sign in');
      const { AuthorizationCode: code, RefreshToken: refresh } = ctx.oidc.entities;
      const amr = code?.amr ?? refresh?.amr;
      return { id: claims.sub, groups: claims.groups, kind: 'user', sid: token.grantId, ...(amr ? { amr } : {}) };
    },
    formats: {
      customizers: {
        jwt: (_ctx, _token, jwt) => {
          // The issuer our token check expects; ID tokens keep the provider's (PUBLIC_URL).
          jwt.payload.iss = deps.tokens.issuer;
        },
      },
    },
  };
  const provider = new Provider(deps.issuer, configuration);
  clients.replaceSecretCheck(provider, deps.requestOf);
  revokeStructuredAccessTokens(provider, deps.accessTokenRevocation);
  auditTokenEndpoint(provider, deps.tokenAudit, deps.requestOf);
  // A grant the provider revokes (a reused refresh token or code, a revocation request) takes its access tokens with it.
  provider.on('grant.revoked', (_ctx, grantId: string) => void deps.grants.grantRevoked(grantId));
  // "Yes, sign me out" at the end-session page signs the browser out of client-auth too.
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc.params?.['logout']) deps.endBrowserSession(ctx);
  });
  return provider;
}
