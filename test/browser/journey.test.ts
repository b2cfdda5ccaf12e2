/**
 * One person's whole journey through the hosted pages, in headless Chromium, on both
 * set-ups, doing only what a person does: clicks and typing, the mail read from the
 * development mailbox (DATA_DIR/mail), the authenticator app's codes computed from the key
 * the page shows, a passkey held by a virtual authenticator (CDP WebAuthn). Sign-up with
 * REQUIRE_VERIFIED_EMAIL -> the verification mail -> sign-in -> TOTP turned on -> sign-in
 * with a code, then with a recovery code -> a passkey added -> sign-in with the passkey
 * alone -> a reset from the mailed link -> a second browser signed out from the sessions
 * page -> the account deleted, and its sign-in refused.
 *
 * WebAuthn wants a host name: the bridge is browsed as http://localhost:<port>, the origin
 * WEBAUTHN_ORIGINS and PUBLIC_URL (the mailed links) name.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/eventually.js';
import { totpCode } from '../support/factor-fixture.js';
import { mailedLink, PASSWORD, type PageStack, startPageStack } from '../support/page-fixture.js';
import { addVirtualAuthenticator, type VirtualAuthenticator } from '../support/passkey-fixture.js';
import { freePort } from '../support/paths.js';
import { freshDataDir, SETUP_TITLES, SETUPS } from '../support/server.js';

const NEW_PASSWORD = 'velvet tractor umbrella 42';
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const WRONG_CREDENTIALS = 'The email address or the password is not right.';

for (const setup of SETUPS)
  describe(`One person's journey through the hosted pages in Chromium, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;
    let browser: Browser;
    let url: string;
    let mailDir: string;
    let laptop: BrowserContext;
    let page: Page;
    let phone: BrowserContext | undefined;
    let authenticator: VirtualAuthenticator | undefined;
    const email = `journey.${setup}.${Date.now()}@example.org`;
    // What the steps hand on to each other: they are one journey, each `it` starts where the
    // one before it left off, so they run in order and a step after a failed one is skipped
    // (the first failure is the one reported, by the name of its step).
    let clientId = '';
    let totpSecret = '';
    let recoveryCodes: string[] = [];
    const mailedTokens: string[] = [];
    let failedStep: string | undefined;

    before(async function () {
      browser = await launchChromium(this);
      const port = await freePort();
      url = `http://localhost:${port}`;
      const shared = { PUBLIC_URL: url, WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: url, EMAIL_VERIFICATION: 'true', REQUIRE_VERIFIED_EMAIL: 'true' };
      stack = await startPageStack(setup, this, 'journey_browser', { DATA_DIR: freshDataDir(), ...shared }, { BRIDGE_PORT: String(port), ...shared });
      const { mail } = stack.server.config;
      if (mail.kind !== 'files') throw new Error('the journey reads the development mailbox, which needs no SMTP_URL');
      mailDir = mail.directory;
      laptop = await browser.newContext({ userAgent: LAPTOP });
      page = await laptop.newPage();
    });
    after(async () => {
      // An authenticator left on the page can keep Chromium from closing it.
      if (authenticator) await authenticator.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: authenticator.authenticatorId });
      await phone?.close();
      await laptop?.close();
      await browser?.close();
      await stack?.close();
    });
    beforeEach(function () {
      if (failedStep !== undefined) this.skip();
    });
    afterEach(function () {
      if (this.currentTest?.state === 'failed') failedStep ??= this.currentTest.title;
    });

    const path = (on = page) => new URL(on.url()).pathname;
    const heading = (on = page) => on.getByRole('heading', { level: 1 }).textContent();
    const signIn = async (on: Page, password: string) => {
      await on.getByLabel('Email address').fill(email);
      await on.getByLabel('Password', { exact: true }).fill(password);
      await on.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    const signOut = async () => {
      await page.goto(`${url}/account`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      expect(page.url()).to.equal(`${url}/sign-in?notice=signed-out`);
      expect(await page.getByRole('status').textContent()).to.contain('You have signed out.');
    };
    /** The session the laptop's cookie holds, as the service reads it. */
    const session = async () => {
      const token = (await laptop.cookies(url)).find((cookie) => cookie.name === 'token')?.value;
      return token === undefined ? null : stack.server.api.validateToken({ token });
    };
    const mail = async (linkPath: string) => {
      const link = await mailedLink(mailDir, email, url, linkPath);
      mailedTokens.push(new URL(link).searchParams.get('token')!);
      return link;
    };

    it('signs up; the page asks to confirm the address first, and a sign-in before that says so', async () => {
      await page.goto(`${url}/`);
      expect(path()).to.equal('/sign-in');
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('First name (optional)').fill('Grace');
      await page.getByLabel('Last name (optional)').fill('Hopper');
      await page.getByRole('button', { name: 'Create account' }).click();
      expect(page.url()).to.equal(`${url}/sign-in?notice=confirm-email`);
      expect(await page.getByRole('status').textContent()).to.contain('Open the link in the email we sent you to confirm your address');
      expect(await stack.server.store.countClients({ email })).to.equal(1);

      await signIn(page, PASSWORD);
      expect(path()).to.equal('/sign-in');
      expect(await page.getByRole('alert').textContent()).to.contain('Confirm your email address first: follow the link in the email we sent you.');
      expect(await session()).to.equal(null);
    });

    it('opens the verification mail from the development mailbox and confirms the address', async () => {
      await page.goto(await mail('/verify-email'));
      expect(await heading()).to.equal('Confirm your email address');
      await page.getByRole('button', { name: 'Confirm my email address' }).click();
      expect(page.url()).to.equal(`${url}/verify-email?notice=verified`);
      expect(await heading()).to.equal('Email address confirmed');
      await page.getByRole('link', { name: 'Continue' }).click();
      expect(path()).to.equal('/sign-in');
    });

    it('signs in with the password and lands on the account page, the address stored as verified', async () => {
      await signIn(page, PASSWORD);
      expect(page.url()).to.equal(`${url}/account`);
      expect(await heading()).to.equal('Your account');
      expect(await page.locator('main').textContent())
        .to.contain('Grace Hopper')
        .and.contain(email);
      const signedIn = (await session())!;
      expect(signedIn.amr).to.deep.equal(['pwd']);
      clientId = signedIn.clientId;
      expect((await stack.server.store.client(clientId))!.emailVerifiedAt).to.be.instanceOf(Date);
    });

    it('turns on two-step sign-in at /account/two-factor with a code from the key on the page, and keeps the recovery codes', async () => {
      await page.getByRole('link', { name: 'Two-step sign-in' }).click();
      expect(path()).to.equal('/account/two-factor');
      expect(await page.locator('main').textContent()).to.contain('Two-step sign-in is off.');
      await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
      await page.waitForURL(`${url}/account/two-factor/enrol`);
      expect(await page.getByRole('img', { name: 'QR code to add this account to an authenticator app' }).count()).to.equal(1);
      totpSecret = (await page.locator('#totp-secret').textContent())!;
      expect(totpSecret).to.match(/^[A-Z2-7]{32}$/);
      await page.getByLabel('Code from your authenticator app', { exact: true }).fill(totpCode(totpSecret));
      await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
      expect(await heading()).to.equal('Save your recovery codes');
      expect(await page.locator('main').textContent()).to.contain('These codes are shown only this once.');
      recoveryCodes = await page.locator('.recovery-codes code').allTextContents();
      expect(recoveryCodes).to.have.length(10);
      await page.getByRole('link', { name: 'I have saved them: back to two-step sign-in' }).click();
      expect(await page.locator('main').textContent()).to.contain('Two-step sign-in is on');
    });

    it('signs out, and signs in again with a code from the authenticator app', async () => {
      await signOut();
      await signIn(page, PASSWORD);
      expect(await heading()).to.equal('Confirm it is you');
      expect(await session()).to.equal(null);
      // The next step's code: the one enrolment took is accepted only once.
      await page.getByLabel('Code from your authenticator app').fill(totpCode(totpSecret, 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(page.url()).to.equal(`${url}/account`);
      expect((await session())!.amr).to.deep.equal(['pwd', 'otp']);
    });

    it('signs out, and signs in with one of the recovery codes instead of the app', async () => {
      await signOut();
      await signIn(page, PASSWORD);
      await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
      await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(page.url()).to.equal(`${url}/account`);
      expect((await session())!.amr).to.deep.equal(['pwd', 'otp']);
    });

    it('adds a passkey at /account/passkeys with the virtual authenticator', async () => {
      authenticator = await addVirtualAuthenticator(laptop, page);
      await page.getByRole('link', { name: 'Passkeys' }).click();
      expect(await page.locator('main').textContent()).to.contain('You have no passkeys yet.');
      await page.getByLabel('Name of the new passkey').fill('This laptop');
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.waitForURL(`${url}/account/passkeys?notice=added`);
      expect(await page.getByRole('status').textContent()).to.contain('The passkey was added.');
      expect(await page.getByRole('rowheader').allTextContents()).to.deep.equal(['This laptop']);
      const { credentials } = await authenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator.authenticatorId });
      expect(credentials).to.have.length(1);
    });

    it('signs out, and signs in with the passkey alone, without the password', async () => {
      await signOut();
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.waitForURL(`${url}/account`);
      expect(await page.locator('main').textContent()).to.contain(email);
      expect((await session())!.amr).to.deep.equal(['hwk']);
    });

    it('signs out, asks for a reset link, and chooses a new password from the mailed link', async () => {
      await signOut();
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Send the link' }).click();
      expect(page.url()).to.equal(`${url}/forgot-password?notice=sent`);
      expect(await heading()).to.equal('Check your email');

      await page.goto(await mail('/password-reset'));
      expect(await heading()).to.equal('Choose a new password');
      // The page's script takes the token out of the address bar.
      await eventually(() => page.url() === `${url}/password-reset`, { what: 'the token gone from the address' });
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('The new password again').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      expect(page.url()).to.equal(`${url}/sign-in?notice=password-changed`);
      expect(await page.getByRole('status').textContent()).to.contain('Your password is changed');
    });

    it('refuses the old password in words, and signs in with the new one and the passkey as the second step', async () => {
      await signIn(page, PASSWORD);
      expect(path()).to.equal('/sign-in');
      expect(await page.getByRole('alert').textContent()).to.contain(WRONG_CREDENTIALS);
      expect(await session()).to.equal(null);
      await signIn(page, NEW_PASSWORD);
      expect(await heading()).to.equal('Confirm it is you');
      await page.getByRole('button', { name: 'Use your passkey' }).click();
      await page.waitForURL(`${url}/account`);
      expect((await session())!.amr).to.deep.equal(['pwd', 'hwk']);
    });

    it("signs in on a phone too; the laptop signs the phone out at /account/sessions, and the phone's next page is /sign-in", async () => {
      phone = await browser.newContext({ userAgent: PHONE });
      const phonePage = await phone.newPage();
      await phonePage.goto(`${url}/account`);
      expect(phonePage.url()).to.equal(`${url}/sign-in?return_to=%2Faccount`);
      await signIn(phonePage, NEW_PASSWORD);
      // The phone holds no passkey: the second recovery code.
      await phonePage.getByRole('button', { name: 'Use a recovery code instead' }).click();
      await phonePage.getByLabel('Recovery code').fill(recoveryCodes[1]!);
      await phonePage.getByRole('button', { name: 'Continue' }).click();
      expect(phonePage.url()).to.equal(`${url}/account`);

      await page.getByRole('link', { name: 'Where you are signed in' }).click();
      expect(path()).to.equal('/account/sessions');
      expect(await page.getByRole('heading', { level: 2, name: /Chrome on Linux.*This device/ }).count()).to.equal(1);
      await page.getByRole('button', { name: /^Sign out Safari on iOS, last used / }).click();
      expect(page.url()).to.equal(`${url}/account/sessions?notice=ended`);
      expect(await page.getByRole('status').textContent()).to.contain('That device is signed out.');
      expect(await page.getByRole('heading', { level: 2, name: /Safari on iOS/ }).count()).to.equal(0);

      await phonePage.reload();
      expect(phonePage.url()).to.equal(`${url}/sign-in?return_to=%2Faccount`);
      expect(await heading(phonePage)).to.equal('Sign in');
      await page.goto(`${url}/account`);
      expect(path()).to.equal('/account');
    });

    it('deletes the account at /account/delete after the password is entered again', async () => {
      await page.getByRole('link', { name: 'Delete account' }).click();
      expect(await heading()).to.equal('Delete your account');
      await page.getByLabel('Your password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Delete my account' }).click();
      expect(path()).to.equal('/account/deleted');
      expect(await heading()).to.equal('Your account is deleted');
      expect(await page.locator('main').textContent()).to.contain('you are signed out everywhere');
      expect(await session()).to.equal(null);
      expect(await stack.server.store.client(clientId)).to.equal(null);
      expect(await stack.server.store.countClients({ email })).to.equal(0);
    });

    it('says the email address or the password is not right when the deleted account signs in again', async () => {
      await page.goto(`${url}/sign-in`);
      await signIn(page, NEW_PASSWORD);
      expect(path()).to.equal('/sign-in');
      expect(await page.getByRole('alert').textContent()).to.contain(WRONG_CREDENTIALS);
      expect(await session()).to.equal(null);
      const logs = [...stack.bridge.logs, ...stack.server.logs].join('\n');
      for (const token of mailedTokens) expect(logs).to.not.include(token);
    });
  });
