/**
 * The console's re-authentication with a passkey, in headless Chromium with a virtual
 * authenticator, on both set-ups. An admin whose one second factor is a passkey lets the
 * re-authentication window pass (the sign-in time moved back in the store, never a wait),
 * asks to suspend a client, and confirms with the password and then the passkey, as the
 * sign-in page's second step asks: the suspension is done and audited, and the new session
 * is recent. The password alone, a missing assertion, a tampered one and one that proves
 * another person leave the client (and the admin's session) as it was. An admin with an
 * authenticator app too confirms with a code without JavaScript, or with the passkey. The
 * page runs the pages' own script files under their CSP, with no axe-core violation, in
 * English and German; on the embedded set-up the passkey step's weight is measured and its
 * screenshots go to docs/ui/ (console-reauth-passkey-*), as the console's quality suite does.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AuditOutcome } from '../../gen/clientauth/v1/audit.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/eventually.js';
import { enrolTotp } from '../support/factor-fixture.js';
import { ADMIN, expectPageHeaders, PASSWORD, registerPerson } from '../support/page-fixture.js';
import { expectNoAxeViolations, measureAndPhotograph, reachAndRead } from '../support/page-quality.js';
import {
  addVirtualAuthenticator,
  LOCALHOST_SWITCH,
  type PasskeyPageStack,
  registerPasskey,
  startPasskeyPageStack,
  type VirtualAuthenticator,
} from '../support/passkey-fixture.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';

const MINUTE = 60_000;

for (const setup of SETUPS)
  describe(`The console's re-authentication with a passkey in Chromium, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(90000);
    let stack: PasskeyPageStack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let authenticator: VirtualAuthenticator;
    let url: string;
    const admin = { id: '', email: '' };
    const blocked: string[] = [];

    before(async function () {
      browser = await launchChromium(this, [LOCALHOST_SWITCH]);
      stack = await startPasskeyPageStack(setup, this, 'console_passkey');
      url = stack.url;
      const person = await registerPerson(stack.server, 'Grace', 'Hopper');
      Object.assign(admin, person);
      const token = (await stack.server.api.login(ADMIN)).accessToken;
      await stack.server.api.setClientGroups({ clientId: admin.id, groups: ['admin'] }, { token });

      context = await browser.newContext();
      page = await context.newPage();
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
      });
      await page.goto(`${url}/sign-in`);
      // A ceremony needs the page in front, as it would for a person.
      authenticator = await addVirtualAuthenticator(context, page);
      await page.bringToFront();
      await page.getByLabel('Email address').fill(admin.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      expect(new URL(page.url()).pathname).to.equal('/account');
      const registered = await registerPasskey(page, 'laptop');
      expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
    });
    after(async () => {
      await authenticator?.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: authenticator.authenticatorId });
      await context?.close();
      await browser?.close();
      await stack?.close();
    });
    afterEach(() => {
      expect(blocked, 'what the CSP blocked').to.deep.equal([]);
    });

    const heading = () => page.getByRole('heading', { level: 1 }).textContent();
    const sessionToken = async () => (await context.cookies(url)).find((cookie) => cookie.name === 'token')?.value ?? '';
    const suspended = async (id: string) => (await stack.server.store.client(id))?.suspended;

    /** A client to suspend; the admin's sign-in moved out of the window, the suspension asked for: the re-authentication page. */
    async function suspensionAsked(reason: string): Promise<{ id: string; email: string }> {
      const target = await registerPerson(stack.server);
      await page.goto(`${url}/admin/clients/${target.id}`);
      await stack.server.store.backdateSessionsOf(admin.id, 16 * MINUTE);
      await page.locator('input[name="reason"]').fill(reason);
      await page.locator('form[action$="/suspend"] button').click();
      expect(await heading()).to.equal('Confirm it is you');
      return target;
    }

    /** The password posted on the re-authentication page: the passkey step, the client untouched. */
    async function passwordGiven(target: { id: string }): Promise<void> {
      const before = await sessionToken();
      expect(await page.getByLabel('Code from your authenticator app, or a recovery code').count()).to.equal(0);
      await page.getByLabel('Your password').fill(PASSWORD);
      const [shown] = await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST'),
        page.getByRole('button', { name: 'Continue', exact: true }).click(),
      ]);
      expectPageHeaders(new Headers(await shown.allHeaders()), 'the passkey step of the re-authentication');
      expect(await heading()).to.equal('Confirm it is you');
      await page.getByRole('button', { name: 'Use your passkey' }).waitFor();
      // The password alone signs no one in where a second factor is needed.
      expect(await suspended(target.id)).to.equal(false);
      expect(await sessionToken()).to.equal(before);
    }

    it('asks for the password, then the passkey, and suspends the client: audited, with a new session that is recent', async () => {
      const target = await suspensionAsked('reported phished');
      expect(await page.getByRole('button', { name: 'Continue', exact: true }).isVisible()).to.equal(true);
      await passwordGiven(target);

      await page.getByRole('button', { name: 'Use your passkey' }).click();
      await page.waitForURL(`${url}/admin/clients/${target.id}?notice=suspended`);
      expect(await page.getByRole('status').textContent()).to.contain('The client is suspended.');
      expect(await stack.server.store.client(target.id)).to.deep.include({ suspended: true, suspensionReason: 'reported phished' });

      const token = (await stack.server.api.login(ADMIN)).accessToken;
      const [event] = await eventually(
        async () => {
          const { events } = await stack.server.api.listAuditEvents({ targetClientId: target.id, type: 'client.suspended', pageSize: 10 }, { token });
          return events.length > 0 ? events : undefined;
        },
        { what: 'the suspension in the audit log' },
      );
      expect(event).to.deep.include({ actorId: admin.id, outcome: AuditOutcome.AUDIT_OUTCOME_SUCCESS });
      // The renewed session was signed in with the password and the passkey, just now.
      const renewed = await sessionToken();
      expect((await stack.server.api.validateToken({ token: renewed })).amr).to.deep.equal(['pwd', 'hwk']);
      expect((await stack.server.api.checkRecentSignIn({}, { token: renewed })).recent).to.equal(true);
      await page.getByRole('button', { name: 'Reinstate' }).click();
      expect(await page.getByRole('status').textContent()).to.contain('The client is reinstated.');
    });

    it('leaves the client as it was when the assertion is missing or tampered with', async () => {
      const target = await suspensionAsked('not confirmed');
      await passwordGiven(target);
      // The form posted without the ceremony's fields, as a page without its script would.
      await page.locator('form:has(input[name="ceremony_token"])').evaluate((form: HTMLFormElement) => form.submit());
      await page.waitForLoadState('load');
      expect(await page.getByRole('alert').first().textContent()).to.contain('Use your passkey to continue.');
      expect(await suspended(target.id)).to.equal(false);

      // A real ceremony whose signature is changed on its way to the bridge.
      await page.route(`${url}/admin/clients/${target.id}/suspend`, async (route) => {
        const form = new URLSearchParams(route.request().postData() ?? '');
        const assertion = JSON.parse(form.get('passkey_response') ?? '{}');
        const signature = Buffer.from(assertion.response.signature, 'base64url');
        signature[signature.length - 1]! ^= 1;
        assertion.response.signature = signature.toString('base64url');
        form.set('passkey_response', JSON.stringify(assertion));
        await route.continue({ postData: form.toString() });
      });
      try {
        await page.getByRole('button', { name: 'Use your passkey' }).click();
        await page.getByText('That passkey was not accepted.').first().waitFor();
      } finally {
        await page.unroute(`${url}/admin/clients/${target.id}/suspend`);
      }
      expect(await suspended(target.id)).to.equal(false);
      // Back at the password: the challenge was spent at the first try.
      expect(await page.getByLabel('Your password').isVisible()).to.equal(true);
      const token = (await stack.server.api.login(ADMIN)).accessToken;
      await eventually(
        async () => {
          const { events } = await stack.server.api.listAuditEvents({ targetClientId: admin.id, type: 'second_factor.failed', pageSize: 10 }, { token });
          return events.some((event) => event.outcome === AuditOutcome.AUDIT_OUTCOME_FAILURE) ? events : undefined;
        },
        { what: 'the refused passkey in the audit log' },
      );
    });

    it("refuses a passkey step carrying another person's challenge, though that person's passkey answers it", async () => {
      // Another person with a passkey, copied onto the admin's authenticator: the ceremony succeeds for that person.
      const other = await browser.newContext();
      const person = await registerPerson(stack.server);
      const copied: string[] = [];
      try {
        const personPage = await other.newPage();
        await personPage.goto(`${url}/sign-in`);
        const personAuthenticator = await addVirtualAuthenticator(other, personPage);
        await personPage.bringToFront();
        await personPage.getByLabel('Email address').fill(person.email);
        await personPage.getByLabel('Password').fill(PASSWORD);
        await personPage.getByRole('button', { name: 'Sign in', exact: true }).click();
        expect((await registerPasskey(personPage, 'phone')).status).to.equal(201);
        const { credentials } = await personAuthenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: personAuthenticator.authenticatorId });
        for (const credential of credentials) {
          await authenticator.cdp.send('WebAuthn.addCredential', { authenticatorId: authenticator.authenticatorId, credential });
          copied.push(credential.credentialId);
        }
        await page.bringToFront();

        const target = await suspensionAsked('not this admin');
        await passwordGiven(target);
        const before = await sessionToken();
        const { secondFactorChallenge } = await stack.server.api.login({ email: person.email, password: PASSWORD });
        await page.locator('input[name="challenge_token"]').evaluate((input: HTMLInputElement, token) => {
          input.value = token;
        }, secondFactorChallenge!.challengeToken);
        await page.getByRole('button', { name: 'Use your passkey' }).click();
        await page.getByText('That passkey was not accepted.').first().waitFor();
        expect(await suspended(target.id)).to.equal(false);
        expect(await sessionToken()).to.equal(before);
        // The session the assertion started for the person was ended at once: only the person's own page is signed in.
        const token = (await stack.server.api.login(ADMIN)).accessToken;
        const { sessions } = await stack.server.api.listClientSessions({ clientId: person.id }, { token });
        expect(sessions).to.have.length(1);
      } finally {
        for (const credentialId of copied)
          await authenticator.cdp.send('WebAuthn.removeCredential', { authenticatorId: authenticator.authenticatorId, credentialId });
        await other.close();
      }
    });

    for (const language of ['en', 'de'])
      it(`shows both steps without an axe-core violation, in ${language} (the passkey step photographed on the embedded set-up)`, async () => {
        // Script on for axe (bypassCSP lets its injected script run under the pages' policy).
        const other = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: { 'Accept-Language': language } });
        try {
          await other.addCookies(await context.cookies(url));
          const quality = await other.newPage();
          const target = await registerPerson(stack.server);
          await quality.goto(`${url}/admin/clients/${target.id}`);
          await stack.server.store.backdateSessionsOf(admin.id, 16 * MINUTE);
          // By the fields' names, not their words: the same steps in either language.
          await quality.locator('input[name="reason"]').fill('phishing');
          await quality.locator('form[action$="/suspend"] button').click();
          expect(await quality.locator('html').getAttribute('lang')).to.equal(language);
          await quality.locator('input[name="reauth_password"]').waitFor();
          await expectNoAxeViolations(quality, `the re-authentication page of an admin with a passkey (${language})`);
          const html = await reachAndRead(quality, url, 'console-reauth-passkey', async () => {
            await quality.locator('input[name="reauth_password"]').fill(PASSWORD);
            await quality.locator('main form button').first().click();
            await quality.locator('input[name="ceremony_token"]').waitFor({ state: 'attached' });
          });
          // The assets are fetched from here at the bridge's own address; the admin's email differs at every run.
          if (setup === 'embedded' && language === 'en')
            await measureAndPhotograph(quality, stack.bridge.url, 'console-reauth-passkey', html, ['.console-who']);
          await expectNoAxeViolations(quality, `the passkey step of the re-authentication (${language})`);
          expect(await suspended(target.id)).to.equal(false);
        } finally {
          await other.close();
        }
      });

    // Last: the admin gains an authenticator app, which the tests above must not ask for.
    it('offers an admin with the app and a passkey both: the code without JavaScript, the passkey with it', async () => {
      const { recoveryCodes } = await enrolTotp(stack.server, await sessionToken());
      const plain = await browser.newContext({ javaScriptEnabled: false });
      try {
        await plain.addCookies(await context.cookies(url));
        const noScript = await plain.newPage();
        const byCode = await registerPerson(stack.server);
        await noScript.goto(`${url}/admin/clients/${byCode.id}`);
        await stack.server.store.backdateSessionsOf(admin.id, 16 * MINUTE);
        await noScript.locator('input[name="reason"]').fill('by code');
        await noScript.locator('form[action$="/suspend"] button').click();
        expect(await noScript.getByRole('button', { name: 'Use your passkey instead' }).isVisible()).to.equal(true);
        await noScript.getByLabel('Your password').fill(PASSWORD);
        await noScript.getByLabel('Code from your authenticator app, or a recovery code').fill(recoveryCodes[0]!);
        await noScript.getByRole('button', { name: 'Confirm and continue' }).click();
        await noScript.waitForURL(`${url}/admin/clients/${byCode.id}?notice=suspended`);
        expect(await suspended(byCode.id)).to.equal(true);
      } finally {
        await plain.close();
      }

      await context.clearCookies();
      await page.goto(`${url}/sign-in`);
      await page.getByLabel('Email address').fill(admin.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('button', { name: 'Use your passkey' }).click();
      await page.waitForURL(`${url}/account`);
      const byPasskey = await suspensionAsked('by passkey');
      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Use your passkey instead' }).click();
      expect(await page.getByRole('button', { name: 'Use a code instead' }).isVisible()).to.equal(true);
      expect(await suspended(byPasskey.id)).to.equal(false);
      await page.getByRole('button', { name: 'Use your passkey', exact: true }).click();
      await page.waitForURL(`${url}/admin/clients/${byPasskey.id}?notice=suspended`);
      expect(await suspended(byPasskey.id)).to.equal(true);
    });
  });
