/**
 * What the suites of the hosted pages share: a server and a bridge on either set-up (the
 * shared one through the network wiring, the embedded one in process, so both are
 * covered), users, form posts as a browser sends them, and the headers every page carries.
 */
import { expect } from 'chai';
import { startBridgeFor, type TestBridge } from '../integration/bridge/bridge-fixture.js';
import { describeMailbox } from './dev-mailbox.js';
import { eventually } from './eventually.js';
import { ADMIN, PASSWORD } from './factor-fixture.js';
import type { VirtualAuthenticator } from './passkey-fixture.js';
import { type Setup, setupEnv, startTestServer, type TestServer } from './server.js';

export { ADMIN, PASSWORD };

/** The policy the issue and docs/ui.md promise, before any return origin is added to form-action. */
export const PAGE_CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** A page in one of its states, as test/browser/page-quality.test.ts measures and photographs it. */
export interface PageState {
  name: string;
  /** Brings `page` to the state, from a signed-out browser; `authenticator` is the page's virtual one, holding one person's passkey. */
  reach(page: import('playwright-core').Page, url: string, stack: PageStack, authenticator: VirtualAuthenticator): Promise<void>;
  /** What differs at every run (new secrets and codes), covered in the screenshots. */
  mask?: readonly string[];
}

export interface PageStack {
  server: TestServer;
  bridge: TestBridge;
  close(): Promise<void>;
}

export async function startPageStack(
  setup: Setup,
  ctx: Mocha.Context,
  label: string,
  env: Record<string, string> = {},
  bridgeEnv: Record<string, string> = {},
) {
  const server = await startTestServer(setupEnv(setup, ctx, label, { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env }));
  const bridge = await startBridgeFor(server, setup === 'embedded' ? 'in-process' : 'network', bridgeEnv);
  return {
    server,
    bridge,
    close: async () => {
      await bridge.close();
      await server.close();
    },
  } satisfies PageStack;
}

let counter = 0;

/** Registers a user with a name, through the service; returns the email. */
export async function registerPerson(server: TestServer, firstName = 'Ada', lastName = 'Lovelace'): Promise<{ id: string; email: string }> {
  const email = `page${++counter}.${Date.now()}@example.org`;
  const { client } = await server.api.registerUser({ email, password: PASSWORD, firstName, lastName, phoneNumber: '', attributes: {} });
  return { id: client!.id, email };
}

export interface PageAnswer {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  setCookies: string[];
}

/** A request as a browser on the bridge's own origin sends it; redirects are not followed. */
export async function fetchPage(
  url: string,
  init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<PageAnswer> {
  const headers: Record<string, string> = { 'Sec-Fetch-Site': 'same-origin', ...init.headers };
  let body: string | undefined;
  if (init.form) {
    body = new URLSearchParams(init.form).toString();
    headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
  }
  const response = await fetch(url, {
    method: init.method ?? (init.form ? 'POST' : 'GET'),
    headers,
    redirect: 'manual',
    ...(body !== undefined ? { body } : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
    location: response.headers.get('Location'),
    setCookies: response.headers.getSetCookie(),
  };
}

/** The access cookie a sign-in set, as a Cookie header. */
export function accessCookieOf(answer: PageAnswer): string {
  const cookie = answer.setCookies.find((line) => line.startsWith('token=') && !line.startsWith('token=;'));
  if (!cookie) throw new Error(`no access cookie in ${JSON.stringify(answer.setCookies)}`);
  return cookie.split(';')[0]!;
}

/** The headers every page answer carries; `carriesToken` pages send no Referer at all. */
export function expectPageHeaders(headers: Headers, what: string, options: { carriesToken?: boolean; csp?: string } = {}): void {
  const csp = headers.get('Content-Security-Policy');
  expect(csp, `${what}: CSP`).to.equal(options.csp ?? PAGE_CSP);
  expect(csp, `${what}: CSP`).to.not.match(/unsafe-inline|unsafe-eval/);
  expect(headers.get('X-Content-Type-Options'), `${what}: nosniff`).to.equal('nosniff');
  expect(headers.get('Cache-Control'), `${what}: cache`).to.equal('no-store');
  expect(headers.get('Referrer-Policy'), `${what}: referrer`).to.equal(options.carriesToken ? 'no-referrer' : 'same-origin');
}

/**
 * The link to `url` + `path` in the newest mail to `email` in the development mailbox
 * `mailDir` (DATA_DIR/mail without SMTP_URL), as `npm run mailbox` lists it; waits for the
 * mail to arrive.
 */
export function mailedLink(mailDir: string, email: string, url: string, path: string): Promise<string> {
  const prefix = `${url}${path}?token=`;
  return eventually(
    async () =>
      (await describeMailbox(mailDir, 100))
        .split('\n\n')
        .find((block) => block.includes(email) && block.includes(prefix))
        ?.split('\n')
        .map((line) => line.trim().replace(/^link:\s+/, ''))
        .find((line) => line.startsWith(prefix)),
    { what: `a mail to ${email} with a link to ${path}`, timeoutMs: 15000 },
  );
}
