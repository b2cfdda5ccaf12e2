/**
 * What the OpenID Provider suites share: a server and its bridge with the provider on
 * either set-up (the provider runs beside the service, so the bridge is wired in process
 * on both), an issuer URL that is not the bridge's loopback address (as in production,
 * where PUBLIC_URL is the public name), and openid-client as the relying party, whose
 * requests to that issuer are sent to the bridge.
 */
import * as client from 'openid-client';
import { startBridgeFor, type TestBridge } from '../integration/bridge/bridge-fixture.js';
import { ADMIN } from './factor-fixture.js';
import { type Setup, setupEnv, startTestServer, type TestServer } from './server.js';

export { ADMIN };

/** The issuer every suite uses: an https name, sent to the bridge by `localFetch`. */
export const ISSUER = 'https://auth.example.test';
export const KEY_ENCRYPTION_KEY = 'a key-encryption key of at least 32 bytes, for OIDC tests';

export interface OidcStack {
  server: TestServer;
  bridge: TestBridge;
  /** fetch, with the issuer's origin sent to the bridge. */
  fetch: typeof fetch;
  /** openid-client's discovery of the issuer, as client `clientId`. */
  discover(clientId: string, clientSecret?: string, auth?: client.ClientAuth): Promise<client.Configuration>;
  /** An access token of the admin, for the admin RPCs. */
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcStack(
  setup: Setup,
  ctx: Mocha.Context,
  label: string,
  env: Record<string, string> = {},
  bridgeEnv: Record<string, string> = {},
): Promise<OidcStack> {
  const server = await startTestServer(
    setupEnv(setup, ctx, label, { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env }),
  );
  const bridge = await startBridgeFor(server, 'in-process', { PUBLIC_URL: ISSUER, ...bridgeEnv });
  const local = (url: string | URL | Request) => String(url instanceof Request ? url.url : url).replace(ISSUER, bridge.url);
  const localFetch = ((url: string | URL | Request, init?: RequestInit) => fetch(local(url), init)) as typeof fetch;
  return {
    server,
    bridge,
    fetch: localFetch,
    discover: async (clientId, clientSecret, auth) => {
      const toBridge: client.CustomFetch = (url, options) => fetch(local(url), options as RequestInit);
      const configuration = await client.discovery(new URL(ISSUER), clientId, clientSecret, auth, { [client.customFetch]: toBridge });
      configuration[client.customFetch] = toBridge;
      return configuration;
    },
    adminToken: async () => (await server.api.login(ADMIN)).accessToken,
    close: async () => {
      await bridge.close();
      await server.close();
    },
  };
}

/** The OAuth 2.0 error code openid-client reports for a refused request, or null if it succeeded. */
export async function oauthErrorOf(call: Promise<unknown>): Promise<string | null> {
  try {
    await call;
    return null;
  } catch (error) {
    // A 401 with WWW-Authenticate comes as its challenges, whose `error` is the code.
    const failure = error as { error?: string; code?: string; message?: string; cause?: Array<{ parameters?: { error?: string } }> };
    const challenged = failure.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE' && Array.isArray(failure.cause) ? failure.cause[0]?.parameters?.error : undefined;
    return challenged ?? failure.error ?? failure.code ?? failure.message ?? String(error);
  }
}

let counter = 0;

/** Registers a service client through the service; returns its id and the secret shown once. */
export async function registerServiceClient(stack: OidcStack, groups: string[] = []): Promise<{ id: string; secret: string }> {
  const email = `oidc-service-${++counter}-${Date.now()}@example.org`;
  const answer = await stack.server.api.registerService({ email, name: `service ${counter}`, groups }, { token: await stack.adminToken() });
  return { id: answer.client!.id, secret: answer.clientSecret };
}
