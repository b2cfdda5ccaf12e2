/**
 * Relying parties registered with the OpenID Provider as an operator would: a service
 * client (RegisterService) given its redirect URIs by SetOidcClient, and the PKCE pieces
 * and URLs of the authorization requests they make.
 */

/**
 * An issuer that is the bridge's own loopback address, for startOidcStack's bridge
 * environment: what a browser, a Go program or oauth2-proxy reaches without a resolver of
 * the test's (PUBLIC_URL is the issuer, so the bridge's port is chosen before it starts).
 */
export async function loopbackIssuer(): Promise<{ issuer: string; bridgeEnv: Record<string, string> }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  return { issuer, bridgeEnv: { BRIDGE_PORT: String(port), PUBLIC_URL: issuer } };
}

/** openid-client's view of the provider at a loopback `issuer` (http, hence allowed insecure), as `rp`, authenticating with its secret. */
export function discoverAt(issuer: string, rp: { id: string; secret: string }): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), rp.id, rp.secret, client.ClientSecretBasic(rp.secret), { execute: [client.allowInsecureRequests] });
}

import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { OidcStack } from './oidc-fixture.js';
import { registerServiceClient } from './oidc-fixture.js';
import { freePort } from './paths.js';

export interface RegisteredRp {
  id: string;
  /** The service client's secret; a public client never sends it. */
  secret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  publicClient: boolean;
}

export interface RpSettings {
  redirectUri: string;
  postLogoutRedirectUri?: string;
  publicClient?: boolean;
  firstParty?: boolean;
  scopes?: string[];
  grantTypes?: string[];
}

/** A relying party registered through the admin RPCs (RegisterService, then SetOidcClient). */
export async function registerRp(stack: OidcStack, settings: RpSettings): Promise<RegisteredRp> {
  const service = await registerServiceClient(stack);
  const postLogoutRedirectUri = settings.postLogoutRedirectUri ?? new URL('/signed-out', settings.redirectUri).href;
  const publicClient = settings.publicClient ?? false;
  await stack.server.api.setOidcClient(
    {
      clientId: service.id,
      redirectUris: [settings.redirectUri],
      postLogoutRedirectUris: [postLogoutRedirectUri],
      publicClient,
      firstParty: settings.firstParty ?? true,
      scopes: settings.scopes ?? ['openid', 'profile', 'email', 'offline_access'],
      grantTypes: settings.grantTypes ?? ['authorization_code', 'refresh_token'],
    },
    { token: await stack.adminToken() },
  );
  return { id: service.id, secret: service.secret, redirectUri: settings.redirectUri, postLogoutRedirectUri, publicClient };
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The authorization request's URL on the bridge, with the given parameters over the usual ones. */
export function authorizeUrl(bridgeUrl: string, rp: RegisteredRp, parameters: Record<string, string | null> = {}): string {
  const query: Record<string, string | null> = {
    client_id: rp.id,
    response_type: 'code',
    redirect_uri: rp.redirectUri,
    scope: 'openid email',
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
    ...parameters,
  };
  const url = new URL('/oidc/authorize', bridgeUrl);
  for (const [name, value] of Object.entries(query)) if (value !== null) url.searchParams.set(name, value);
  return url.href;
}
