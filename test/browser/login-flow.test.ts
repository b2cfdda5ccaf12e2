/**
 * The browser flow end to end in headless Chromium: a page on an allowed origin
 * registers, logs in, reads /me, refreshes and logs out through the bridge with
 * credentialed fetch; page script never sees the token; a page on another site can
 * neither log the user out nor log them into another account.
 *
 * Origins: the bridge is http://127.0.0.1:<b>; the app page http://127.0.0.1:<a> is
 * same-site with it (ports do not count for a site), so SameSite=Lax cookies travel; the
 * evil page http://localhost:<e> is another site.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startBridgeFor, type TestBridge, WIRINGS } from '../integration/bridge/bridge-fixture.js';
import { startTestServer, type TestServer, testEnv } from '../support/server.js';
import { requireServices } from '../support/services.js';
import { skipOrFailInCI } from '../support/skip-or-fail.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'correct horse battery';
const ACCESS_TOKEN_SECONDS = 15 * 60;

/** A page whose script calls the bridge with credentials, as a real front end would. */
function pageHtml(bridgeUrl: string): string {
  return `<!doctype html><html><head><title>test page</title></head><body><script>
    window.callBridge = async (method, path, body, extra) => {
      const init = { method, credentials: 'include', ...(extra || {}) };
      if (body !== undefined) {
        init.headers = { 'Content-Type': 'application/json', ...(init.headers || {}) };
        init.body = JSON.stringify(body);
      }
      try {
        const response = await fetch(${JSON.stringify(bridgeUrl)} + path, init);
        const text = response.type === 'opaque' ? '' : await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : null };
      } catch (error) {
        return { status: 0, error: String(error) };
      }
    };
  </script></body></html>`;
}

async function servePage(html: () => string, host?: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(html());
  });
  await new Promise<void>((resolve) => (host ? server.listen(0, host, resolve) : server.listen(0, resolve)));
  return { server, port: (server.address() as AddressInfo).port };
}

interface BridgeAnswer {
  status: number;
  body?: any;
  error?: string;
}

for (const wiring of WIRINGS)
  describe(`The login flow in headless Chromium, through the bridge (${wiring} wiring)`, function () {
    this.timeout(60000);
    let server: TestServer;
    let bridge: TestBridge;
    let appPage: { server: Server; port: number };
    let evilPage: { server: Server; port: number };
    let browser: Browser;
    let context: BrowserContext;
    let app: Page;
    let appOrigin: string;
    let evilOrigin: string;

    before(async function () {
      if (!existsSync(CHROMIUM)) skipOrFailInCI(this, `${CHROMIUM} is missing (apt-get install chromium)`);
      const services = requireServices(this);
      server = await startTestServer(testEnv(services, 'browser'));
      let bridgeUrl = '';
      appPage = await servePage(() => pageHtml(bridgeUrl), '127.0.0.1');
      evilPage = await servePage(() => pageHtml(bridgeUrl));
      appOrigin = `http://127.0.0.1:${appPage.port}`;
      evilOrigin = `http://localhost:${evilPage.port}`;
      bridge = await startBridgeFor(server, wiring, { CORS_ORIGINS: appOrigin });
      bridgeUrl = bridge.url;

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      context = await browser.newContext();
      app = await context.newPage();
      await app.goto(`${appOrigin}/`);
    });

    after(async () => {
      await context?.close();
      await browser?.close();
      await bridge?.close();
      appPage?.server.close();
      evilPage?.server.close();
      await server?.close();
    });

    const call = (page: Page, method: string, path: string, body?: unknown, extra?: unknown): Promise<BridgeAnswer> =>
      page.evaluate(([m, p, b, e]) => (window as any).callBridge(m, p, b ?? undefined, e ?? undefined), [method, path, body ?? null, extra ?? null] as const);

    const bridgeCookies = async () => {
      const cookies = await context.cookies(`${bridge.url}/refresh`);
      return { access: cookies.find((c) => c.name === 'token'), refresh: cookies.find((c) => c.name === 'refresh_token') };
    };

    it('registers, logs in, reads /me, refreshes, logs out, and is refused /me afterwards', async () => {
      const email = `browser.${Date.now()}@example.com`;
      const registered = await call(app, 'POST', '/register', { email, password: PASSWORD, first_name: 'Grace' });
      expect(registered.status).to.equal(201);

      const login = await call(app, 'POST', '/login', { email, password: PASSWORD });
      expect(login.status).to.equal(200);
      expect(login.body.client.email).to.equal(email);

      const me = await call(app, 'GET', '/me');
      expect(me.status).to.equal(200);
      expect(me.body.client).to.include({ email, first_name: 'Grace' });

      const before = await bridgeCookies();
      const refreshed = await call(app, 'POST', '/refresh');
      expect(refreshed.status).to.equal(200);
      const after = await bridgeCookies();
      expect(after.access!.value).to.not.equal(before.access!.value);
      expect(after.refresh!.value).to.not.equal(before.refresh!.value);
      expect((await call(app, 'GET', '/me')).status).to.equal(200);

      const logout = await call(app, 'POST', '/logout');
      expect(logout.status).to.equal(204);
      const cleared = await bridgeCookies();
      expect(cleared.access).to.equal(undefined);
      expect(cleared.refresh).to.equal(undefined);
      const refused = await call(app, 'GET', '/me');
      expect(refused.status).to.equal(401);
      expect(refused.body.reason).to.equal('TOKEN_MISSING');
    });

    describe('with a logged-in user', () => {
      let email: string;
      let userId: string;

      before(async () => {
        email = `victim.${Date.now()}@example.com`;
        const registered = await call(app, 'POST', '/register', { email, password: PASSWORD });
        userId = registered.body.client.id;
        expect((await call(app, 'POST', '/login', { email, password: PASSWORD })).status).to.equal(200);
      });

      it('keeps the token cookie out of reach of page script on the bridge origin', async () => {
        const bridgePage = await context.newPage();
        try {
          await bridgePage.goto(`${bridge.url}/healthz`);
          // Cookies are per host, not per port: the app page on 127.0.0.1 would see it too if it could be seen.
          for (const page of [bridgePage, app]) expect(await page.evaluate(() => document.cookie)).to.not.contain('token');
          expect((await bridgeCookies()).access).to.not.equal(undefined);
        } finally {
          await bridgePage.close();
        }
      });

      it('stores the cookies with the attributes the bridge promises', async () => {
        const { access, refresh } = await bridgeCookies();
        expect(access).to.include({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
        expect(access!.expires - Date.now() / 1000).to.be.within(ACCESS_TOKEN_SECONDS - 30, ACCESS_TOKEN_SECONDS + 1);
        expect(refresh).to.include({ httpOnly: true, sameSite: 'Lax', path: '/refresh' });
      });

      it('refuses a page from another site that tries to log the user out, and the session survives', async () => {
        const evil = await context.newPage();
        try {
          await evil.goto(`${evilOrigin}/`);
          const before = await bridgeCookies();
          const answered = evil.waitForResponse((response) => response.url().endsWith('/logout'));
          await call(evil, 'POST', '/logout', undefined, { mode: 'no-cors' });
          expect((await answered).status()).to.equal(403);
          expect((await bridgeCookies()).access!.value).to.equal(before.access!.value);
          const me = await call(app, 'GET', '/me');
          expect(me.status).to.equal(200);
          expect(me.body.client.id).to.equal(userId);
        } finally {
          await evil.close();
        }
      });

      it('refuses a page from another site that tries to log the user into another account (login CSRF)', async () => {
        const attackerEmail = `attacker.${Date.now()}@example.com`;
        expect((await call(app, 'POST', '/register', { email: attackerEmail, password: PASSWORD })).status).to.equal(201);
        const evil = await context.newPage();
        try {
          await evil.goto(`${evilOrigin}/`);
          const before = await bridgeCookies();
          const answered = evil.waitForResponse((response) => response.url().endsWith('/login'));
          await call(evil, 'POST', '/login', undefined, {
            mode: 'no-cors',
            headers: { 'Content-Type': 'text/plain' },
            body: JSON.stringify({ email: attackerEmail, password: PASSWORD }),
          });
          expect((await answered).status()).to.equal(403);
          expect((await bridgeCookies()).access!.value).to.equal(before.access!.value);
          const me = await call(app, 'GET', '/me');
          expect(me.body.client.email).to.equal(email);

          // A CORS request from the other site is stopped too: the browser never gets an answer it may read.
          const readable = await call(evil, 'POST', '/login', { email: attackerEmail, password: PASSWORD });
          expect(readable.status).to.equal(0);
          expect((await call(app, 'GET', '/me')).body.client.email).to.equal(email);
        } finally {
          await evil.close();
        }
      });
    });
  });
