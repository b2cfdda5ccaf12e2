/**
 * The bridge's password-reset and verification routes over a real gRPC server and a real
 * SMTP server: answers, redirects, the cross-site guard, and where tokens may never go.
 * The JSON routes are checked on a bridge with the hosted pages (the default), which share
 * two of their paths; the mailed links' routes of a bridge without them (UI_ENABLED=false)
 * on a second bridge. The pages' own answers: recovery-pages.test.ts.
 */
import { expect } from 'chai';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';
import { CookieClient, startBridgeFor, type TestBridge, WIRINGS } from './bridge-fixture.js';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const REDIRECT = 'https://app.example.test/welcome';

for (const setup of SETUPS)
  for (const wiring of WIRINGS) {
    describe(`The bridge's recovery routes (${SETUP_TITLES[setup]}, ${wiring} wiring)`, function () {
      this.timeout(30000);
      let server: TestServer;
      let bridge: TestBridge;
      let withoutPages: TestBridge;
      let mailbox: SmtpMailbox;
      let counter = 0;
      const email = () => `route${++counter}.${setup}.${Date.now()}@example.com`;

      before(async function () {
        mailbox = await startSmtpMailbox();
        server = await startTestServer(
          setupEnv(setup, this, 'recovery_routes', { SMTP_URL: mailbox.url, PUBLIC_URL: 'http://localhost:8000', RECOVERY_IP_REQUESTS_MAX: '100000' }),
        );
        bridge = await startBridgeFor(server, wiring, { EMAIL_VERIFIED_REDIRECT_URL: REDIRECT });
        withoutPages = await startBridgeFor(server, wiring, { EMAIL_VERIFIED_REDIRECT_URL: REDIRECT, UI_ENABLED: 'false' });
      });
      after(async () => {
        await bridge?.close();
        await withoutPages?.close();
        await server?.close();
        await mailbox?.close();
      });

      const registered = async () => {
        const browser = new CookieClient(bridge.url);
        const address = email();
        expect((await browser.post('/register', { email: address, password: PASSWORD })).status).to.equal(201);
        return { browser, address };
      };
      const verificationToken = async (address: string) =>
        tokenOf(linkIn(await mailbox.waitFor(address, /Confirm/), 'http://localhost:8000/verify-email?token='));

      it('answers a reset request 202 with one body for a known and an unknown email, with Referrer-Policy: no-referrer', async () => {
        const { browser, address } = await registered();
        const known = await browser.post('/password-reset/request', { email: address });
        const unknown = await browser.post('/password-reset/request', { email: `nobody.${address}` });
        expect(known.status).to.equal(202);
        expect(unknown.status).to.equal(202);
        expect(known.body).to.deep.equal(unknown.body);
        expect(known.headers.get('referrer-policy')).to.equal('no-referrer');
        await mailbox.waitFor(address, /Reset your/);
      });

      it('resets the password with POST /password-reset: 204, the old cookie refused, the new password logs in', async () => {
        const { browser, address } = await registered();
        expect((await browser.post('/login', { email: address, password: PASSWORD })).status).to.equal(200);
        await browser.post('/password-reset/request', { email: address });
        const token = tokenOf(linkIn(await mailbox.waitFor(address, /Reset your/), 'http://localhost:8000/password-reset?token='));
        const reset = await new CookieClient(bridge.url).post('/password-reset', { token, new_password: NEW_PASSWORD });
        expect(reset.status).to.equal(204);
        expect(reset.headers.get('referrer-policy')).to.equal('no-referrer');
        expect((await browser.get('/me')).body.reason).to.equal('SESSION_REVOKED');
        const again = await new CookieClient(bridge.url).post('/password-reset', { token, new_password: NEW_PASSWORD });
        expect(again.status).to.equal(401);
        expect(again.body.reason).to.equal('RESET_TOKEN_INVALID');
        expect((await browser.post('/login', { email: address, password: NEW_PASSWORD })).status).to.equal(200);
        expect(bridge.logs.join('\n')).to.not.include(token);
        expect(server.logs.join('\n')).to.not.include(token);
      });

      it('without the pages, serves the reset page with a script of its own, under a strict CSP and no referrer', async () => {
        const page = await fetch(`${withoutPages.url}/password-reset`);
        expect(page.status).to.equal(200);
        expect(page.headers.get('content-type')).to.match(/^text\/html/);
        expect(page.headers.get('content-security-policy')).to.include("script-src 'self'");
        expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
        expect(await page.text()).to.include('<script src="/password-reset.js"');
        const script = await fetch(`${withoutPages.url}/password-reset.js`);
        expect(script.headers.get('content-type')).to.match(/javascript/);
        expect(await script.text()).to.include('history.replaceState');
      });

      it('without the pages, verifies with GET /verify-email?token= and redirects (303) to EMAIL_VERIFIED_REDIRECT_URL, keeping the token out of the log', async () => {
        const { browser, address } = await registered();
        const token = await verificationToken(address);
        // A link opened from a webmail page: a top-level navigation from another site.
        const opened = await fetch(`${withoutPages.url}/verify-email?token=${token}`, { redirect: 'manual', headers: { 'Sec-Fetch-Site': 'cross-site' } });
        expect(opened.status).to.equal(303);
        expect(opened.headers.get('location')).to.equal(REDIRECT);
        expect(opened.headers.get('referrer-policy')).to.equal('no-referrer');
        expect(withoutPages.logs.join('\n')).to.not.include(token);
        expect(withoutPages.logs.some((line) => line.includes('"path":"/verify-email"'))).to.equal(true);
        await browser.post('/login', { email: address, password: PASSWORD });
        expect((await browser.get('/me')).body.client).to.include({ email_verified: true });
        const reused = await fetch(`${withoutPages.url}/verify-email?token=${token}`, { redirect: 'manual' });
        expect(reused.status).to.equal(401);
      });

      it('verifies with POST /verify-email {token}', async () => {
        const { address } = await registered();
        const verified = await new CookieClient(bridge.url).post('/verify-email', { token: await verificationToken(address) });
        expect(verified.status).to.equal(200);
        expect(verified.body.client).to.include({ email: address, email_verified: true });
        expect(verified.body.client.email_verify_time).to.be.a('string');
      });

      it('refuses each POST route from another site with 403 CROSS_SITE_REQUEST, changing nothing', async () => {
        const { address } = await registered();
        const token = await verificationToken(address);
        const evil = { headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' } };
        const client = new CookieClient(bridge.url);
        for (const [path, body] of [
          ['/password-reset/request', { email: address }],
          ['/password-reset', { token, new_password: NEW_PASSWORD }],
          ['/verify-email', { token }],
        ] as const) {
          const refused = await client.post(path, body, evil);
          expect(refused.status, path).to.equal(403);
          expect(refused.body.reason).to.equal('CROSS_SITE_REQUEST');
        }
        expect((await client.post('/verify-email', { token })).status).to.equal(200);
      });

      it('answers bad input 400 naming the field', async () => {
        const client = new CookieClient(bridge.url);
        const badEmail = await client.post('/password-reset/request', { email: 42 });
        expect(badEmail.status).to.equal(400);
        expect(badEmail.body.field).to.equal('email');
        const noToken = await fetch(`${withoutPages.url}/verify-email`, { redirect: 'manual' });
        expect(noToken.status).to.equal(400);
        const shortPassword = await client.post('/password-reset', { token: 'A'.repeat(43), new_password: 'short' });
        expect(shortPassword.status).to.equal(400);
        expect(shortPassword.body.field).to.equal('new_password');
      });
    });
  }
