/**
 * An operator's walk through the admin console in headless Chromium, on both set-ups, doing
 * only what a person does: an admin with an authenticator app signs in (the code computed
 * from the key), finds one client by an email prefix among 1,000, suspends it (that
 * client's open session is refused at once through GET /auth), reinstates it, resets its
 * second factor, and deletes it after the re-authentication window has passed: the console
 * asks for the password and a code, then deletes without the form being filled again (on
 * the shared set-up a Redis subscriber receives the deletion). It then registers a service
 * and obtains a token with the secret the copy button copied, and filters the audit log to
 * the walk's actions and exports them. A non-admin and an anonymous visitor are refused.
 *
 * The window is passed by moving the admin's sign-in time back in the store (what the
 * clock would do in 16 minutes), never by waiting.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/eventually.js';
import { enrolTotp, totpCode } from '../support/factor-fixture.js';
import { ADMIN, PASSWORD, type PageStack, registerPerson, startPageStack } from '../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';

const SEEDED = 1000;
const MINUTE = 60_000;

for (const setup of SETUPS)
  describe(`An operator's walk through the admin console in Chromium, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(120000);
    let stack: PageStack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let url: string;
    const run = `${setup}${Date.now()}`;
    const admin = { id: '', email: `console.admin.${run}@example.org`, secret: '', recoveryCodes: [] as string[] };
    const target = { id: '', email: '', token: '' };
    const service = { id: '', secret: '' };
    const deletions: string[] = [];
    let unsubscribe: () => void = () => {};
    let failedStep: string | undefined;

    before(async function () {
      // Seeding 1,000 clients through the service takes a while on a busy machine.
      this.timeout(600000);
      browser = await launchChromium(this);
      stack = await startPageStack(setup, this, 'console_browser');
      url = stack.bridge.url;
      const api = stack.server.api;
      // 1,000 clients who share a prefix, the one to find among them.
      const prefix = `crowd.${run}`;
      const emails = Array.from({ length: SEEDED }, (_, index) => `${prefix}.${String(index).padStart(4, '0')}@example.org`);
      for (let start = 0; start < emails.length; start += 8) {
        await Promise.all(
          emails
            .slice(start, start + 8)
            .map((email) => api.registerUser({ email, password: PASSWORD, firstName: 'Crowd', lastName: '', phoneNumber: '', attributes: {} })),
        );
      }
      target.email = `${prefix}.0777@example.org`;
      const login = await api.login({ email: target.email, password: PASSWORD });
      target.id = login.client!.id;
      // The client is signed in elsewhere: its open session is what a suspension must stop.
      target.token = login.accessToken;

      const adminToken = (await api.login(ADMIN)).accessToken;
      const { client } = await api.registerUser({
        email: admin.email,
        password: PASSWORD,
        firstName: 'Grace',
        lastName: 'Hopper',
        phoneNumber: '',
        attributes: {},
      });
      admin.id = client!.id;
      await api.setClientGroups({ clientId: admin.id, groups: ['admin'] }, { token: adminToken });
      const own = await api.login({ email: admin.email, password: PASSWORD });
      ({ secret: admin.secret, recoveryCodes: admin.recoveryCodes } = await enrolTotp(stack.server, own.accessToken));
      await api.logout({}, { token: own.accessToken });

      if (setup === 'shared') {
        const subscriber = stack.server.redis.duplicate();
        subscriber.on('message', (_channel: string, message: string) => deletions.push(message));
        await subscriber.subscribe(stack.server.config.deletionChannels[0]!);
        unsubscribe = () => subscriber.disconnect();
      }
      context = await browser.newContext();
      page = await context.newPage();
    });
    after(async () => {
      unsubscribe();
      await context?.close();
      await browser?.close();
      await stack?.close();
    });
    beforeEach(function () {
      if (failedStep !== undefined) this.skip();
    });
    afterEach(function () {
      if (this.currentTest?.state === 'failed') failedStep ??= this.currentTest.title;
    });

    const heading = () => page.getByRole('heading', { level: 1 }).textContent();
    const main = async () => (await page.locator('main').textContent()) ?? '';
    /** GET /auth with the target's session, as a gateway asks: its status. */
    const targetAuth = async () => (await fetch(`${url}/auth`, { headers: { Cookie: `token=${target.token}` } })).status;

    it('sends an admin who is not signed in to the sign-in page, and after the password and the app’s code, back to the console', async () => {
      await page.goto(`${url}/admin`);
      expect(page.url()).to.equal(`${url}/sign-in?return_to=%2Fadmin`);
      await page.getByLabel('Email address').fill(admin.email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      expect(await heading()).to.equal('Confirm it is you');
      // The next step's code: the one the enrolment took is accepted only once.
      await page.getByLabel('Code from your authenticator app').fill(totpCode(admin.secret, 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(page.url()).to.equal(`${url}/admin`);
      expect(await heading()).to.equal('Overview');
      expect(await page.getByRole('navigation', { name: 'Admin console' }).getByRole('link').allTextContents()).to.deep.equal([
        'Overview',
        'Clients',
        'Service clients',
        'Audit log',
        'Signing keys',
        'Deletion requests',
      ]);
    });

    it('finds the client by an email prefix among 1,000, typed in capitals', async () => {
      await page.getByRole('link', { name: 'Clients', exact: true }).click();
      await page.getByLabel('Email address starts with').fill(target.email.slice(0, -'7@example.org'.length).toUpperCase());
      await page.getByRole('button', { name: 'Search' }).click();
      const links = page.locator('table.data-table th[scope="row"] a');
      expect(await links.count()).to.equal(10);
      await page.getByRole('link', { name: target.email }).click();
      expect(await heading()).to.equal(`Client ${target.email}`);
    });

    it("suspends it with a reason: the notice, and the client's open session refused at once through GET /auth", async () => {
      expect(await targetAuth()).to.equal(200);
      await page.getByLabel('Why suspend it').fill('reported phished; locked on call');
      await page.getByRole('button', { name: 'Suspend' }).click();
      expect(await page.getByRole('status').textContent()).to.contain('The client is suspended.');
      expect(await targetAuth()).to.equal(401);
      expect(await main()).to.contain('reported phished; locked on call');
    });

    it('reinstates it', async () => {
      await page.getByRole('button', { name: 'Reinstate' }).click();
      expect(await page.getByRole('status').textContent()).to.contain('The client is reinstated.');
      expect((await stack.server.store.client(target.id))!.suspended).to.equal(false);
    });

    it('resets its second factor: it signs in with the password alone', async () => {
      const token = (await stack.server.api.login({ email: target.email, password: PASSWORD })).accessToken;
      await enrolTotp(stack.server, token);
      expect((await stack.server.api.login({ email: target.email, password: PASSWORD })).secondFactorChallenge).to.not.equal(undefined);
      await page.getByRole('button', { name: 'Reset second factors' }).click();
      expect(await page.getByRole('status').textContent()).to.contain('The second factors are reset.');
      expect((await stack.server.api.login({ email: target.email, password: PASSWORD })).secondFactorChallenge).to.equal(undefined);
    });

    it('asks for the password and a code once the sign-in is older than the window, then deletes without the form filled again', async () => {
      await stack.server.store.backdateSessionsOf(admin.id, 16 * MINUTE);
      await page.getByLabel('Type the client’s email address to confirm').fill(target.email);
      await page.getByRole('button', { name: 'Delete this client' }).click();
      expect(await heading()).to.equal('Confirm it is you');
      expect(await main()).to.contain('in the last 15 minutes');
      expect(await stack.server.store.client(target.id)).to.not.equal(null);
      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByLabel('Code from your authenticator app, or a recovery code').fill(admin.recoveryCodes[0]!);
      await page.getByRole('button', { name: 'Confirm and continue' }).click();
      expect(await heading()).to.equal('Client deleted');
      expect(await stack.server.store.client(target.id)).to.equal(null);
      if (setup === 'shared') await eventually(() => deletions.includes(target.id), { what: 'the deletion on the Redis channel', timeoutMs: 15000 });
      await eventually(
        async () => {
          await page.reload();
          return (await main()).includes('Delivered to the other services');
        },
        { what: 'the deletion request delivered', timeoutMs: 15000 },
      );
    });

    it('registers a service, and the secret the copy button copied (its script under the pages’ CSP) obtains a token', async () => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
      const blocked: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
      });
      await page.getByRole('link', { name: 'Service clients', exact: true }).click();
      await page.getByLabel('Name', { exact: true }).fill('Walk billing');
      await page.getByLabel('Contact email', { exact: true }).fill(`billing.${run}@example.org`);
      await page.getByRole('button', { name: 'Register' }).click();
      expect(await heading()).to.equal('Service client registered');
      service.id = (await page.locator('#service-client-id').textContent())!;
      const shown = await page.locator('#client-secret').inputValue();
      await page.getByRole('button', { name: 'Copy the secret' }).click();
      await page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).to.equal(shown);
      expect(blocked).to.deep.equal([]);
      service.secret = copied;
      const { accessToken } = await stack.server.api.issueServiceToken({ clientId: service.id, clientSecret: copied });
      expect((await stack.server.api.validateToken({ token: accessToken })).clientId).to.equal(service.id);
    });

    it('filters the audit log to the walk’s actions and exports them as JSON Lines', async () => {
      await stack.server.app.audit.flush();
      await page.getByRole('link', { name: 'Audit log', exact: true }).click();
      await page.getByLabel('Actor (a client id, anonymous or system)').fill(admin.id);
      await page.getByLabel('Outcome').selectOption('success');
      await page.getByRole('button', { name: 'Show' }).click();
      expect(await main())
        .to.contain('service.registered')
        .and.contain('client.deleted')
        .and.contain('client.suspended');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export these events (JSON Lines)' }).click()]);
      expect(download.suggestedFilename()).to.match(/^audit-events-.+\.jsonl$/);
      const lines = readFileSync((await download.path())!, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, string>);
      expect(new Set(lines.map((line) => line['actor_id']))).to.deep.equal(new Set([admin.id]));
      expect(new Set(lines.map((line) => line['outcome']))).to.deep.equal(new Set(['success']));
      // The walk's changes, newest first; what the admin did to its own account (sign-ins, the
      // re-authentication's logout, its enrolment) is in the export too, on itself.
      const actions = lines.filter((line) => line['target_client_id'] !== admin.id).map((line) => [line['type'], line['target_client_id']]);
      expect(actions).to.deep.equal([
        ['service.registered', service.id],
        ['client.deleted', target.id],
        ['second_factor.reset', target.id],
        ['client.reinstated', target.id],
        ['client.suspended', target.id],
      ]);
      expect(lines.every((line) => line['client_ip'] === '127.0.0.1')).to.equal(true);
      expect(JSON.stringify(lines)).to.not.contain(service.secret);
    });

    it('refuses a signed-in non-admin (403) and an anonymous visitor (the sign-in page)', async () => {
      const stranger = await registerPerson(stack.server);
      const other = await browser.newContext();
      const strangerPage = await other.newPage();
      await strangerPage.goto(`${url}/admin/clients`);
      expect(strangerPage.url()).to.equal(`${url}/sign-in?return_to=%2Fadmin%2Fclients`);
      await strangerPage.getByLabel('Email address').fill(stranger.email);
      await strangerPage.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await strangerPage.getByRole('button', { name: 'Sign in', exact: true }).click();
      expect(await strangerPage.locator('main').textContent()).to.contain('This page is for administrators only.');
      const response = await strangerPage.goto(`${url}/admin`);
      expect(response?.status()).to.equal(403);
      await other.close();
    });
  });
