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

/**
 * A browser over HTTP: keeps cookies by name and path (Secure ones too: the bridge is on
 * loopback), sends the issuer's URLs to the bridge, follows redirects one at a time, and
 * says it is on the bridge's own origin, as a browser on the pages does.
 */
export class OidcBrowser {
  private readonly jar = new Map<string, { name: string; value: string; path: string }>();

  constructor(private readonly stack: OidcStack) {}

  /** Requests `url` (on the issuer) and follows redirects until one leaves the issuer; returns the last answer and where it pointed. */
  async walk(url: string, init: { form?: Record<string, string> } = {}): Promise<{ status: number; text: string; url: string; location: string | null }> {
    let answer = await this.send(url, init.form);
    let current = url;
    for (let hops = 0; hops < 12 && answer.location !== null; hops++) {
      const next = new URL(answer.location, current).href;
      if (!next.startsWith(ISSUER)) return { ...answer, url: current };
      current = next;
      answer = await this.send(next);
    }
    return { ...answer, url: current };
  }

  /** The hidden inputs of the first form in `html`, as a browser would post them back with its button. */
  static hiddenFields(html: string): Record<string, string> {
    const fields: Record<string, string> = {};
    const form = /<form[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
    for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[match[1]!] = decodeEntities(match[2]!);
    return fields;
  }

  private async send(url: string, form?: Record<string, string>): Promise<{ status: number; text: string; location: string | null }> {
    const path = new URL(url).pathname;
    const cookie = [...this.jar.values()]
      .filter((entry) => path === entry.path || path.startsWith(entry.path.endsWith('/') ? entry.path : `${entry.path}/`))
      .map((entry) => `${entry.name}=${entry.value}`)
      .join('; ');
    const headers: Record<string, string> = { 'Sec-Fetch-Site': 'same-origin', ...(cookie === '' ? {} : { Cookie: cookie }) };
    if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const response = await this.stack.fetch(url, {
      method: form ? 'POST' : 'GET',
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair!.slice(0, pair!.indexOf('=')).trim();
      const value = pair!.slice(pair!.indexOf('=') + 1).trim();
      const cookiePath =
        attributes
          .map((part) => part.trim())
          .find((part) => part.toLowerCase().startsWith('path='))
          ?.slice(5) ?? '/';
      const expired = attributes.some((part) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(part));
      if (expired || value === '') this.jar.delete(`${name};${cookiePath}`);
      else this.jar.set(`${name};${cookiePath}`, { name, value, path: cookiePath });
    }
    return { status: response.status, text: await response.text(), location: response.headers.get('Location') };
  }
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Registers a service client as an app that signs people in (SetOidcClient), first-party unless told otherwise. */
export async function registerApp(
  stack: OidcStack,
  settings: { publicClient?: boolean; firstParty?: boolean; redirectUri?: string } = {},
): Promise<{ id: string; secret: string; redirectUri: string }> {
  const service = await registerServiceClient(stack);
  const redirectUri = settings.redirectUri ?? 'https://app.example.test/callback';
  await stack.server.api.setOidcClient(
    {
      clientId: service.id,
      redirectUris: [redirectUri],
      postLogoutRedirectUris: ['https://app.example.test/signed-out'],
      publicClient: settings.publicClient ?? false,
      firstParty: settings.firstParty ?? true,
      scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
      grantTypes: ['authorization_code', 'refresh_token'],
    },
    { token: await stack.adminToken() },
  );
  return { ...service, redirectUri };
}
