/**
 * Passkeys and TOTP end to end in headless Chromium, with a virtual authenticator (Chrome
 * DevTools Protocol WebAuthn domain) standing in for a phone or a security key. A page the
 * test serves uses the browser's own navigator.credentials through @simplewebauthn/browser
 * and calls the bridge, as a real front end would.
 *
 * Origins: WebAuthn needs a domain (not an IP address) as the relying party id, so pages
 * and bridge are on `localhost` (a secure context over plain HTTP). The app page is in
 * WEBAUTHN_ORIGINS; the other page is in CORS_ORIGINS only, so the bridge lets it call
 * but the service must refuse its ceremonies.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startBridgeFor, type TestBridge, type Wiring } from '../integration/bridge/bridge-fixture.js';
import { PASSWORD, storedFactors, totpCode } from '../support/factor-fixture.js';
import { addVirtualAuthenticator as addAuthenticator, type VirtualAuthenticator } from '../support/passkey-fixture.js';
import { repoRoot } from '../support/paths.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../support/server.js';
import { skipOrFailInCI } from '../support/skip-or-fail.js';

const CHROMIUM = '/usr/bin/chromium';

/** A page whose script calls the bridge with credentials and runs WebAuthn ceremonies. */
function pageHtml(bridgeUrl: string): string {
  return `<!doctype html><html><head><title>passkeys</title><script src="/simplewebauthn-browser.js"></script></head><body><script>
    window.callBridge = async (method, path, body) => {
      const init = { method, credentials: 'include' };
      if (body !== undefined) {
        init.headers = { 'Content-Type': 'application/json' };
        init.body = JSON.stringify(body);
      }
      const response = await fetch(${JSON.stringify(bridgeUrl)} + path, init);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    };
    window.registerPasskey = async (name) => {
      const begun = await callBridge('POST', '/passkeys/register/begin');
      if (begun.status !== 200) return begun;
      const response = await SimpleWebAuthnBrowser.startRegistration({ optionsJSON: begun.body.options });
      return callBridge('POST', '/passkeys/register/finish', { ceremony_token: begun.body.ceremony_token, response, name });
    };
    // Without a challenge: a login with the passkey alone. With one: the passkey as the second factor.
    window.passkeyLogin = async (challengeToken) => {
      const begun = await callBridge('POST', '/passkeys/login/begin', challengeToken ? { challenge_token: challengeToken } : {});
      if (begun.status !== 200) return begun;
      const response = await SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: begun.body.options });
      const passkey = { ceremony_token: begun.body.ceremony_token, response };
      return challengeToken
        ? callBridge('POST', '/login/complete', { challenge_token: challengeToken, passkey })
        : callBridge('POST', '/passkeys/login/finish', passkey);
    };
  </script></body></html>`;
}

async function servePage(html: () => string): Promise<{ server: Server; port: number }> {
  const library = readFileSync(`${repoRoot()}/node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js`);
  const server = createServer((request, response) => {
    if (request.url === '/simplewebauthn-browser.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' });
      response.end(library);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(html());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

interface BridgeAnswer {
  status: number;
  body: any;
}

for (const setup of SETUPS) {
  // Each wiring of the bridge once, without running Chromium four times.
  const wiring: Wiring = setup === 'embedded' ? 'in-process' : 'network';
  describe(`Passkeys and TOTP in headless Chromium with a virtual authenticator, on ${SETUP_TITLES[setup]} (${wiring} wiring)`, function () {
    this.timeout(60000);
    let server: TestServer;
    let bridge: TestBridge;
    let appPage: { server: Server; port: number };
    let otherPage: { server: Server; port: number };
    let browser: Browser;
    let context: BrowserContext;
    let app: Page;
    let appAuthenticator: VirtualAuthenticator;
    let bridgeUrl = '';

    before(async function () {
      if (!existsSync(CHROMIUM)) skipOrFailInCI(this, `${CHROMIUM} is missing (apt-get install chromium)`);
      appPage = await servePage(() => pageHtml(bridgeUrl));
      otherPage = await servePage(() => pageHtml(bridgeUrl));
      const appOrigin = `http://localhost:${appPage.port}`;
      const otherOrigin = `http://localhost:${otherPage.port}`;
      server = await startTestServer(setupEnv(setup, this, 'passkeys', { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: appOrigin }));
      bridge = await startBridgeFor(server, wiring, { CORS_ORIGINS: `${appOrigin},${otherOrigin}` });
      // Same host as the pages: the cookies are then same-site and travel with credentialed fetch.
      bridgeUrl = `http://localhost:${bridge.port}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--host-resolver-rules=MAP localhost 127.0.0.1',
        ],
      });
      context = await browser.newContext();
      app = await context.newPage();
      await app.goto(`${appOrigin}/`);
      appAuthenticator = await addAuthenticator(context, app);
    });

    after(async () => {
      await context?.close();
      await browser?.close();
      await bridge?.close();
      appPage?.server.close();
      otherPage?.server.close();
      await server?.close();
    });

    const call = (page: Page, method: string, path: string, body?: unknown): Promise<BridgeAnswer> =>
      page.evaluate(([m, p, b]) => (window as any).callBridge(m, p, b ?? undefined), [method, path, body ?? null] as const);
    const registerPasskey = (page: Page, name: string): Promise<BridgeAnswer> => page.evaluate((n) => (window as any).registerPasskey(n), name);
    const passkeyLogin = (page: Page, challengeToken?: string): Promise<BridgeAnswer> =>
      page.evaluate((c) => (window as any).passkeyLogin(c), challengeToken ?? '');
    const amrOfSession = async () => {
      const token = (await context.cookies(bridgeUrl)).find((cookie) => cookie.name === 'token')!.value;
      return (await server.api.validateToken({ token })).amr;
    };
    const registerAndLogIn = async (page: Page, prefix: string) => {
      const email = `${prefix}.${Date.now()}@example.com`;
      const registered = await call(page, 'POST', '/register', { email, password: PASSWORD });
      expect(registered.status).to.equal(201);
      expect((await call(page, 'POST', '/login', { email, password: PASSWORD })).status).to.equal(200);
      return { email, id: registered.body.client.id as string };
    };

    describe('a user who registers a passkey', () => {
      let user: { email: string; id: string };
      let passkeyId: string;

      before(async () => {
        user = await registerAndLogIn(app, 'passkey');
      });

      it("registers it with the browser's navigator.credentials and lists it", async () => {
        const registered = await registerPasskey(app, 'laptop');
        expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
        expect(registered.body.passkey).to.include({ name: 'laptop', last_use_time: null });
        passkeyId = registered.body.passkey.id;
        const listed = await call(app, 'GET', '/passkeys');
        expect(listed.body.passkeys.map((p: { id: string }) => p.id)).to.deep.equal([passkeyId]);
      });

      it('logs out, then logs in with the passkey and no password (amr hwk)', async () => {
        expect((await call(app, 'POST', '/logout')).status).to.equal(204);
        expect((await call(app, 'GET', '/me')).status).to.equal(401);
        const login = await passkeyLogin(app);
        expect(login.status, JSON.stringify(login.body)).to.equal(200);
        expect(login.body.client.email).to.equal(user.email);
        expect((await call(app, 'GET', '/me')).body.client.id).to.equal(user.id);
        expect(await amrOfSession()).to.deep.equal(['hwk']);
        const stored = storedFactors(server);
        try {
          const passkey = (await stored.store.findPasskey(passkeyId))!;
          expect(passkey.lastUsedAt).to.be.instanceOf(Date);
          expect(passkey.counter).to.be.greaterThan(0);
        } finally {
          stored.close();
        }
      });

      it('uses the passkey as the second factor after a password (amr pwd and hwk)', async () => {
        await call(app, 'POST', '/logout');
        const login = await call(app, 'POST', '/login', { email: user.email, password: PASSWORD });
        expect(login.status).to.equal(401);
        expect(login.body).to.include({ reason: 'MFA_REQUIRED' });
        expect(login.body.factors).to.deep.equal(['passkey']);
        expect((await context.cookies(bridgeUrl)).find((cookie) => cookie.name === 'token')).to.equal(undefined);
        const completed = await passkeyLogin(app, login.body.challenge_token);
        expect(completed.status, JSON.stringify(completed.body)).to.equal(200);
        expect(await amrOfSession()).to.deep.equal(['pwd', 'hwk']);
      });

      it('refuses a copy of the passkey whose signature counter went back (a cloned authenticator)', async () => {
        const { credentials } = await appAuthenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: appAuthenticator.authenticatorId });
        const clonePage = await context.newPage();
        try {
          await clonePage.goto(app.url());
          const clone = await addAuthenticator(context, clonePage);
          await clone.cdp.send('WebAuthn.addCredential', { authenticatorId: clone.authenticatorId, credential: { ...credentials[0]!, signCount: 0 } });
          await call(clonePage, 'POST', '/logout');
          const refused = await passkeyLogin(clonePage);
          expect(refused.status).to.equal(401);
          expect(refused.body.reason).to.equal('INVALID_CREDENTIALS');
        } finally {
          await clonePage.close();
        }
      });

      it('refuses ceremonies from an origin outside WEBAUTHN_ORIGINS, even one the bridge lets call', async () => {
        const otherOrigin = `http://localhost:${otherPage.port}/`;
        const { credentials } = await appAuthenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: appAuthenticator.authenticatorId });
        const challenge = (await call(app, 'POST', '/login', { email: user.email, password: PASSWORD })).body.challenge_token;
        expect((await passkeyLogin(app, challenge)).status).to.equal(200);
        const registering = await context.newPage();
        const loggingIn = await context.newPage();
        try {
          await registering.goto(otherOrigin);
          await addAuthenticator(context, registering);
          // A ceremony needs the page in front, as it would be for a person.
          await registering.bringToFront();
          const registration = await registerPasskey(registering, 'elsewhere');
          expect(registration.status).to.equal(400);
          expect(registration.body).to.include({ reason: 'PASSKEY_REJECTED', field: 'response' });
          expect(registration.body.message).to.contain('origin');
          expect((await call(app, 'GET', '/passkeys')).body.passkeys).to.have.length(1);

          // The genuine passkey, used from the other origin: the browser signs, the service refuses.
          await loggingIn.goto(otherOrigin);
          const authenticator = await addAuthenticator(context, loggingIn);
          await authenticator.cdp.send('WebAuthn.addCredential', { authenticatorId: authenticator.authenticatorId, credential: credentials[0]! });
          await call(loggingIn, 'POST', '/logout');
          await loggingIn.bringToFront();
          const login = await passkeyLogin(loggingIn);
          expect(login.status).to.equal(401);
          expect(login.body.reason).to.equal('INVALID_CREDENTIALS');
        } finally {
          await registering.close();
          await loggingIn.close();
          await app.bringToFront();
        }
      });

      it('holds a second passkey from another authenticator, and logs in with either', async () => {
        const challenge = (await call(app, 'POST', '/login', { email: user.email, password: PASSWORD })).body.challenge_token;
        expect((await passkeyLogin(app, challenge)).status).to.equal(200);
        const phone = await context.newPage();
        try {
          await phone.goto(app.url());
          await addAuthenticator(context, phone);
          await phone.bringToFront();
          const registered = await registerPasskey(phone, 'phone');
          expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
          const names = (await call(phone, 'GET', '/passkeys')).body.passkeys.map((p: { name: string }) => p.name);
          expect(names).to.deep.equal(['laptop', 'phone']);
          await call(phone, 'POST', '/logout');
          const login = await passkeyLogin(phone);
          expect(login.status, JSON.stringify(login.body)).to.equal(200);
          expect(login.body.client.id).to.equal(user.id);
        } finally {
          await phone.close();
          await app.bringToFront();
        }
      });

      it('renames a passkey from the page, which then logs in under its new name', async () => {
        const challenge = (await call(app, 'POST', '/login', { email: user.email, password: PASSWORD })).body.challenge_token;
        expect((await passkeyLogin(app, challenge)).status).to.equal(200);
        const renamed = await call(app, 'PATCH', `/passkeys/${encodeURIComponent(passkeyId)}`, { name: 'work laptop' });
        expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
        expect(renamed.body.passkey).to.include({ id: passkeyId, name: 'work laptop' });
        const names = (await call(app, 'GET', '/passkeys')).body.passkeys.map((p: { name: string }) => p.name);
        expect(names).to.deep.equal(['work laptop', 'phone']);
        await call(app, 'POST', '/logout');
        const login = await passkeyLogin(app);
        expect(login.status, JSON.stringify(login.body)).to.equal(200);
        expect(login.body.client.id).to.equal(user.id);
      });

      it('deletes the passkeys, after which they log no one in', async () => {
        const challenge = (await call(app, 'POST', '/login', { email: user.email, password: PASSWORD })).body.challenge_token;
        expect((await passkeyLogin(app, challenge)).status).to.equal(200);
        for (const { id } of (await call(app, 'GET', '/passkeys')).body.passkeys) {
          expect((await call(app, 'DELETE', `/passkeys/${encodeURIComponent(id)}`, { current_password: PASSWORD })).status).to.equal(204);
        }
        expect((await call(app, 'GET', '/passkeys')).body.passkeys).to.deep.equal([]);
        expect((await call(app, 'DELETE', `/passkeys/${encodeURIComponent(passkeyId)}`, { current_password: PASSWORD })).status).to.equal(404);
        await call(app, 'POST', '/logout');
        const refused = await passkeyLogin(app);
        expect(refused.status).to.equal(401);
        expect(refused.body.reason).to.equal('INVALID_CREDENTIALS');
        // With no factor left, the password alone logs in again.
        expect((await call(app, 'POST', '/login', { email: user.email, password: PASSWORD })).status).to.equal(200);
        await call(app, 'POST', '/logout');
      });
    });

    it('enrols TOTP from the page (with a QR code) and logs in with a code as the second factor', async () => {
      const user = await registerAndLogIn(app, 'totp');
      const begun = await call(app, 'POST', '/totp/begin');
      expect(begun.status).to.equal(200);
      expect(begun.body.qr_code).to.match(/^data:image\/svg\+xml;base64,/);
      expect(Buffer.from(begun.body.qr_code.split(',')[1], 'base64').toString('utf8')).to.contain('<svg');
      const confirmed = await call(app, 'POST', '/totp/confirm', { code: totpCode(begun.body.secret) });
      expect(confirmed.status).to.equal(200);
      expect(confirmed.body.recovery_codes).to.have.length(10);

      await call(app, 'POST', '/logout');
      const login = await call(app, 'POST', '/login', { email: user.email, password: PASSWORD });
      expect(login.status).to.equal(401);
      expect(login.body).to.include({ reason: 'MFA_REQUIRED' });
      expect(login.body.factors).to.deep.equal(['totp', 'recovery_code']);
      const completed = await call(app, 'POST', '/login/complete', { challenge_token: login.body.challenge_token, totp_code: totpCode(begun.body.secret, 1) });
      expect(completed.status, JSON.stringify(completed.body)).to.equal(200);
      expect((await call(app, 'GET', '/me')).body.client.id).to.equal(user.id);
      expect(await amrOfSession()).to.deep.equal(['pwd', 'otp']);
      await call(app, 'POST', '/logout');
    });
  });
}
