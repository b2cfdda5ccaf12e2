/**
 * Account recovery end to end in headless Chromium through the JSON routes, with mail from
 * a real SMTP server, on a bridge without the hosted pages (UI_ENABLED=false), as a front
 * end of its own uses it: register -> open the verification link from the mail -> verified;
 * forgot password -> open the reset link on the bridge's script page -> choose a new
 * password -> the old session cookie is refused -> log in with the new password. The hosted
 * pages' own flows are in recovery-pages.test.ts.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startBridgeFor, type TestBridge, WIRINGS } from '../integration/bridge/bridge-fixture.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer, testEnv } from '../support/server.js';
import { requireServices } from '../support/services.js';
import { skipOrFailInCI } from '../support/skip-or-fail.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../support/smtp-mailbox.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

for (const wiring of WIRINGS)
  describe(`Account recovery in headless Chromium, through the JSON routes without the pages and a real SMTP server (${wiring} wiring)`, function () {
    this.timeout(60000);
    let server: TestServer;
    let bridge: TestBridge;
    let mailbox: SmtpMailbox;
    let welcome: Server;
    let welcomeUrl: string;
    const welcomeRequests: { url: string; headers: IncomingHttpHeaders }[] = [];
    let browser: Browser;
    let page: Page;

    before(async function () {
      if (!existsSync(CHROMIUM)) skipOrFailInCI(this, `${CHROMIUM} is missing (apt-get install chromium)`);
      const services = requireServices(this);
      mailbox = await startSmtpMailbox();
      welcome = createServer((request, response) => {
        welcomeRequests.push({ url: request.url ?? '', headers: request.headers });
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end('<!doctype html><title>welcome</title><p>Your email is verified.</p>');
      });
      await new Promise<void>((resolve) => welcome.listen(0, '127.0.0.1', resolve));
      welcomeUrl = `http://127.0.0.1:${(welcome.address() as AddressInfo).port}/welcome`;
      const bridgePort = await freePort();
      const publicUrl = `http://127.0.0.1:${bridgePort}`;
      server = await startTestServer(
        testEnv(services, 'browser-recovery', {
          SMTP_URL: mailbox.url,
          PUBLIC_URL: publicUrl,
          // Every suite's requests come from 127.0.0.1 and count in the run's one Redis.
          RECOVERY_IP_REQUESTS_MAX: '100000',
        }),
      );
      bridge = await startBridgeFor(server, wiring, { BRIDGE_PORT: String(bridgePort), EMAIL_VERIFIED_REDIRECT_URL: welcomeUrl, UI_ENABLED: 'false' });
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
      page = await (await browser.newContext()).newPage();
      await page.goto(`${bridge.url}/healthz`);
    });

    after(async () => {
      await browser?.close();
      await bridge?.close();
      await server?.close();
      await mailbox?.close();
      welcome?.close();
    });

    /** A same-origin fetch from the page, as the front end served with the bridge would make. */
    const call = (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> =>
      page.evaluate(
        async ([m, p, b]) => {
          const response = await fetch(p, {
            method: m,
            credentials: 'include',
            ...(b === null ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }),
          });
          const text = await response.text();
          return { status: response.status, body: text ? JSON.parse(text) : null };
        },
        [method, path, body ?? null] as const,
      );

    it('registers, opens the verification link from the mail, and is verified', async () => {
      const email = `chromium.verify.${Date.now()}@example.org`;
      expect((await call('POST', '/register', { email, password: PASSWORD })).status).to.equal(201);
      const link = linkIn(await mailbox.waitFor(email, /Confirm/), `${bridge.url}/verify-email?token=`);

      await page.goto(link);
      expect(page.url()).to.equal(welcomeUrl);
      expect(await page.textContent('p')).to.equal('Your email is verified.');
      // The redirect said no-referrer: the page it lands on never learns the token.
      const landing = welcomeRequests.filter((request) => request.url === '/welcome');
      expect(landing).to.have.length(1);
      expect(landing[0]!.headers['referer']).to.equal(undefined);

      await page.goto(`${bridge.url}/healthz`);
      expect((await call('POST', '/login', { email, password: PASSWORD })).status).to.equal(200);
      const me = await call('GET', '/me');
      expect(me.body.client).to.include({ email, email_verified: true });
    });

    it('masks the new password on the reset page (type=password) and lets a paste or a password manager fill it', async () => {
      const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
      try {
        const reset = await context.newPage();
        await reset.goto(`${bridge.url}/password-reset`);
        const field = reset.locator('#new-password');
        expect(await field.getAttribute('type')).to.equal('password');
        expect(await field.getAttribute('autocomplete')).to.equal('new-password');
        await reset.evaluate((text) => navigator.clipboard.writeText(text), NEW_PASSWORD);
        await field.focus();
        await reset.keyboard.press('Control+V');
        expect(await field.inputValue()).to.equal(NEW_PASSWORD);
        await field.fill('');
        await field.fill(NEW_PASSWORD);
        expect(await field.inputValue()).to.equal(NEW_PASSWORD);
      } finally {
        await context.close();
      }
    });

    const resetThrough = async (link: (token: string) => string, what: string) => {
      const email = `chromium.reset.${Date.now()}@example.org`;
      await page.goto(`${bridge.url}/healthz`);
      expect((await call('POST', '/register', { email, password: PASSWORD })).status).to.equal(201);
      expect((await call('POST', '/login', { email, password: PASSWORD })).status).to.equal(200);
      expect((await call('GET', '/me')).status).to.equal(200);

      expect((await call('POST', '/password-reset/request', { email })).status).to.equal(202);
      const token = tokenOf(linkIn(await mailbox.waitFor(email, /Reset your/), `${bridge.url}/password-reset?token=`));

      await page.goto(link(token));
      // The page moved the token out of the address bar and its history entry at once.
      await eventually(() => page.url() === `${bridge.url}/password-reset`, { what: `the token gone from the address (${what})` });
      await page.fill('#new-password', NEW_PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('Your password is changed'));

      // The browser still holds the old session's cookie; the service refuses it.
      const refused = await call('GET', '/me');
      expect(refused.status).to.equal(401);
      expect(refused.body.reason).to.equal('SESSION_REVOKED');
      expect((await call('POST', '/login', { email, password: PASSWORD })).status).to.equal(401);
      expect((await call('POST', '/login', { email, password: NEW_PASSWORD })).status).to.equal(200);
      expect((await call('GET', '/me')).body.client.email).to.equal(email);

      await mailbox.waitFor(email, /was changed/);
      expect(bridge.logs.join('\n')).to.not.include(token);
      expect(server.logs.join('\n')).to.not.include(token);
    };

    it('forgets the password, opens the mailed reset link, sets a new password; the old session is refused and the new password logs in', async () => {
      await resetThrough((token) => `${bridge.url}/password-reset?token=${token}`, 'the mailed link, token in the query');
    });

    it('still takes a reset link of an earlier release, with the token in the fragment', async () => {
      await resetThrough((token) => `${bridge.url}/password-reset#token=${token}`, 'an earlier link, token in the fragment');
    });
  });
