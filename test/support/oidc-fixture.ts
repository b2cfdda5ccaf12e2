/**
 * What the OpenID Provider suites share: a server and its bridge with the provider on
 * either set-up (the provider runs beside the service, so the bridge is wired in process
 * on both), an issuer URL that is not the bridge's loopback address (as in production,
 * where PUBLIC_URL is the public name), and openid-client as the relying party, whose
 * requests to that issuer are sent to the bridge.
 */
import { expect } from 'chai';
import * as client from 'openid-client';
import { startBridgeFor, type TestBridge } from '../integration/bridge/bridge-fixture.js';
import { ADMIN, PASSWORD, registerUser, totpCode } from './factor-fixture.js';
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
  async walk(
    url: string,
    init: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; text: string; url: string; location: string | null; headers: Headers }> {
    let answer = await this.send(url, init.form, init.headers);
    let current = url;
    for (let hops = 0; hops < 12 && answer.location !== null; hops++) {
      const next = new URL(answer.location, current).href;
      if (!next.startsWith(ISSUER)) return { ...answer, url: current };
      current = next;
      answer = await this.send(next, undefined, init.headers);
    }
    return { ...answer, url: current };
  }

  /** The value of the cookie `name` the browser holds, at any path. */
  cookie(name: string): string | undefined {
    return [...this.jar.values()].find((entry) => entry.name === name)?.value;
  }

  /** The hidden inputs of the first form in `html`, as a browser would post them back with its button. */
  static hiddenFields(html: string): Record<string, string> {
    const fields: Record<string, string> = {};
    const form = /<form[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
    for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[match[1]!] = decodeEntities(match[2]!);
    return fields;
  }

  private async send(
    url: string,
    form?: Record<string, string>,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; text: string; location: string | null; headers: Headers }> {
    const path = new URL(url).pathname;
    const cookie = [...this.jar.values()]
      .filter((entry) => path === entry.path || path.startsWith(entry.path.endsWith('/') ? entry.path : `${entry.path}/`))
      .map((entry) => `${entry.name}=${entry.value}`)
      .join('; ');
    const headers: Record<string, string> = { 'Sec-Fetch-Site': 'same-origin', ...extraHeaders, ...(cookie === '' ? {} : { Cookie: cookie }) };
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
    return { status: response.status, text: await response.text(), location: response.headers.get('Location'), headers: response.headers };
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

export const SCOPE = 'openid profile email groups offline_access';

/** The start of a code flow with PKCE (S256), as openid-client builds it. */
export async function authorization(configuration: client.Configuration, redirectUri: string, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url: url.href, checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce } };
}

/** Signs in on the hosted page the flow sent the browser to, with the second step when asked; returns where the flow ended. */
export async function signIn(browser: OidcBrowser, page: { text: string; url: string }, email: string, totpSecret?: string) {
  expect(page.url, 'the flow shows the hosted sign-in').to.match(/\/sign-in\?return_to=%2Foidc%2Finteraction%2F/);
  const returnTo = new URL(page.url).searchParams.get('return_to')!;
  const first = await browser.walk(`${ISSUER}/sign-in`, { form: { email, password: PASSWORD, return_to: returnTo } });
  if (totpSecret === undefined) return first;
  // The next step's code: the current one was spent confirming the enrolment.
  return browser.walk(`${ISSUER}/sign-in/second-step`, {
    form: { ...OidcBrowser.hiddenFields(first.text), method: 'totp', totp_code: totpCode(totpSecret, 1) },
  });
}

/** A person signed in to a first-party app through the code flow: the app's configuration and the tokens it got. */
export async function signedInToApp(stack: OidcStack) {
  const app = await registerApp(stack);
  const person = await registerUser(stack.server, 'oidc-person');
  const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
  const { url, checks } = await authorization(configuration, app.redirectUri);
  const browser = new OidcBrowser(stack);
  const ended = await signIn(browser, await browser.walk(url), person.email);
  const tokens = await client.authorizationCodeGrant(configuration, new URL(ended.location!), checks);
  return { app, person, configuration, tokens, browser };
}
