/**
 * Passkeys on the hosted sign-in pages, in headless Chromium with virtual authenticators,
 * on both set-ups: the passkey as the second step after a password, and the passkey alone
 * (a discoverable credential, no password). The pages run their script files under the
 * pages' own CSP (nothing is bypassed here); without JavaScript the passkey is hidden or
 * explained, and the other ways still work.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { enrolTotp, totpCode } from '../support/factor-fixture.js';
import { expectPageHeaders, PAGE_CSP, PASSWORD, registerPerson } from '../support/page-fixture.js';
import {
  addVirtualAuthenticator,
  LOCALHOST_SWITCH,
  type PasskeyPageStack,
  registerPasskey,
  startPasskeyPageStack,
  type VirtualAuthenticator,
} from '../support/passkey-fixture.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';

for (const setup of SETUPS)
  describe(`Passkeys on the sign-in pages in Chromium, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PasskeyPageStack;
    let browser: Browser;
    let context: BrowserContext;
    let noScript: BrowserContext;
    let url: string;
    const pages: Page[] = [];

    before(async function () {
      browser = await launchChromium(this, [LOCALHOST_SWITCH]);
      stack = await startPasskeyPageStack(setup, this, 'passkey_pages');
      url = stack.url;
      context = await browser.newContext();
      noScript = await browser.newContext({ javaScriptEnabled: false });
    });

    after(async () => {
      await context?.close();
      await noScript?.close();
      await browser?.close();
      await stack?.close();
    });

    beforeEach(async () => {
      await context.clearCookies();
      await noScript.clearCookies();
    });
    const authenticators: VirtualAuthenticator[] = [];
    afterEach(async () => {
      // An authenticator left behind a refused discoverable ceremony keeps Chromium from closing the next page.
      for (const { cdp, authenticatorId } of authenticators.splice(0)) await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      // A page Chromium is slow to close (seen on a loaded machine, late in a long run) is left
      // to the context's close at the end: tidying up is not what these tests check.
      for (const page of pages.splice(0)) await Promise.race([page.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    });

    /** A page at /sign-in with an authenticator of its own, in front (a ceremony needs the page in front, as it would for a person). */
    const devicePage = async (): Promise<{ page: Page; authenticator: VirtualAuthenticator }> => {
      const page = await context.newPage();
      pages.push(page);
      await page.goto(`${url}/sign-in`);
      const authenticator = await addVirtualAuthenticator(context, page);
      authenticators.push(authenticator);
      await page.bringToFront();
      return { page, authenticator };
    };
    const signIn = async (page: Page, email: string, password = PASSWORD) => {
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    const amrOfSession = async () => {
      const token = (await context.cookies(url)).find((cookie) => cookie.name === 'token')?.value;
      if (token === undefined) return null;
      return (await stack.server.api.validateToken({ token })).amr;
    };
    /** A person with a passkey on `page`'s authenticator (and TOTP too when asked), signed out again. */
    const personWithPasskey = async (page: Page, options: { totp?: boolean } = {}) => {
      const person = await registerPerson(stack.server);
      await page.goto(`${url}/sign-in`);
      await signIn(page, person.email);
      expect(new URL(page.url()).pathname).to.equal('/account');
      const registered = await registerPasskey(page, 'laptop');
      expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
      const token = (await context.cookies(url)).find((cookie) => cookie.name === 'token')!.value;
      const totp = options.totp ? await enrolTotp(stack.server, token) : null;
      await context.clearCookies();
      await page.goto(`${url}/sign-in`);
      return { ...person, passkeyId: registered.body.passkey.id as string, totpSecret: totp?.secret ?? '' };
    };
    /** The text of the page as rendered: a <noscript> note counts only when script is off (Playwright's text locators skip noscript). */
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: textContent would hold hidden text too
    const shownText = (page: Page) => page.locator('main').innerText();
    const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

    describe('without a password', () => {
      it('adds a passkey, signs out, and signs in with the passkey alone from /sign-in, landing on /account (amr hwk)', async () => {
        const { page } = await devicePage();
        const person = await registerPerson(stack.server);
        await signIn(page, person.email);
        expect(new URL(page.url()).pathname).to.equal('/account');
        expect((await registerPasskey(page, 'laptop')).status).to.equal(201);
        await page.getByRole('button', { name: 'Sign out' }).click();
        expect(new URL(page.url()).pathname).to.equal('/sign-in');
        expect(await amrOfSession()).to.equal(null);

        const shown = await page.goto(`${url}/sign-in`);
        expectPageHeaders(await shown!.allHeaders().then((headers) => new Headers(headers)), 'GET /sign-in with passkeys', { csp: PAGE_CSP });
        await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        await page.waitForURL(`${url}/account`);
        expect(await page.locator('main').textContent()).to.contain(person.email);
        expect(await amrOfSession()).to.deep.equal(['hwk']);
      });

      it('announces and focuses a passkey that was not used, and signs in with a password still', async () => {
        const { page } = await devicePage();
        const person = await registerPerson(stack.server);
        await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        const alert = page.getByRole('alert');
        await alert.waitFor();
        expect(await alert.textContent()).to.contain('Your passkey was not used.');
        expect(await page.evaluate(() => document.activeElement?.id)).to.equal('passkey-error');
        await signIn(page, person.email);
        expect(new URL(page.url()).pathname).to.equal('/account');
      });

      it('shows no passkey button without JavaScript, and the password form works', async () => {
        const person = await registerPerson(stack.server);
        const plain = await noScript.newPage();
        pages.push(plain);
        await plain.goto(`${url}/sign-in`);
        expect(await plain.getByRole('button', { name: 'Sign in with a passkey' }).isVisible()).to.equal(false);
        await signIn(plain, person.email);
        expect(new URL(plain.url()).pathname).to.equal('/account');
      });
    });

    describe('as the second step', () => {
      it('offers the passkey as the second step of an account whose only factor it is, and signs in with it (amr pwd and hwk)', async () => {
        const { page } = await devicePage();
        const { email } = await personWithPasskey(page);
        await signIn(page, email);
        expect(await heading(page)).to.equal('Confirm it is you');
        expect(await amrOfSession()).to.equal(null);
        expect(await page.getByRole('button', { name: /instead/ }).count()).to.equal(0);
        await page.getByRole('button', { name: 'Use your passkey' }).click();
        await page.waitForURL(`${url}/account`);
        expect(await amrOfSession()).to.deep.equal(['pwd', 'hwk']);
      });

      it('offers the passkey first beside the authenticator app, and switches either way', async () => {
        const { page } = await devicePage();
        const { email, totpSecret } = await personWithPasskey(page, { totp: true });
        await signIn(page, email);
        expect(await page.getByRole('button', { name: 'Use your passkey' }).isVisible()).to.equal(true);
        await page.getByRole('button', { name: 'Use the authenticator app instead' }).click();
        expect(await page.getByLabel('Code from your authenticator app').isVisible()).to.equal(true);
        await page.getByRole('button', { name: 'Use a passkey instead' }).click();
        await page.getByRole('button', { name: 'Use your passkey' }).click();
        await page.waitForURL(`${url}/account`);
        expect(await amrOfSession()).to.deep.equal(['pwd', 'hwk']);

        await context.clearCookies();
        await page.goto(`${url}/sign-in`);
        await signIn(page, email);
        await page.getByRole('button', { name: 'Use the authenticator app instead' }).click();
        await page.getByLabel('Code from your authenticator app').fill(totpCode(totpSecret, 1));
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.waitForURL(`${url}/account`);
        expect(await amrOfSession()).to.deep.equal(['pwd', 'otp']);
      });

      it('announces and focuses a passkey that was not used, and the passkey works on a second press', async () => {
        const { page, authenticator } = await devicePage();
        const { email } = await personWithPasskey(page);
        const { credentials } = await authenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator.authenticatorId });
        await authenticator.cdp.send('WebAuthn.clearCredentials', { authenticatorId: authenticator.authenticatorId });
        await signIn(page, email);
        await page.getByRole('button', { name: 'Use your passkey' }).click();
        const alert = page.getByRole('alert');
        await alert.waitFor();
        expect(await alert.textContent()).to.contain('Your passkey was not used.');
        expect(await page.evaluate(() => document.activeElement?.id)).to.equal('passkey-error');
        expect(await amrOfSession()).to.equal(null);
        // The ceremony failed in the browser; the challenge was not spent, so the same page goes on.
        await authenticator.cdp.send('WebAuthn.addCredential', { authenticatorId: authenticator.authenticatorId, credential: credentials[0]! });
        await page.getByRole('button', { name: 'Use your passkey' }).click();
        await page.waitForURL(`${url}/account`);
        expect(await amrOfSession()).to.deep.equal(['pwd', 'hwk']);
      });

      it('explains, without JavaScript, that the passkey needs it, and offers the authenticator app and a recovery code where the account has them', async () => {
        const { page } = await devicePage();
        const withApp = await personWithPasskey(page, { totp: true });
        const passkeyOnly = await personWithPasskey(page);
        const plain = await noScript.newPage();
        pages.push(plain);
        await plain.goto(`${url}/sign-in`);
        await signIn(plain, passkeyOnly.email);
        expect(await heading(plain)).to.equal('Confirm it is you');
        expect(await plain.getByRole('button', { name: 'Use your passkey' }).isVisible()).to.equal(false);
        expect(await shownText(plain)).to.contain('A passkey needs JavaScript, which is off in this browser. Turn it on and sign in again.');

        await plain.goto(`${url}/sign-in`);
        await signIn(plain, withApp.email);
        expect(await shownText(plain)).to.contain('Turn it on and sign in again, or use another way below.');
        expect(await plain.getByRole('button', { name: 'Use a recovery code instead' }).isVisible()).to.equal(true);
        await plain.getByRole('button', { name: 'Use the authenticator app instead' }).click();
        await plain.getByLabel('Code from your authenticator app').fill(totpCode(withApp.totpSecret, 1));
        await plain.getByRole('button', { name: 'Continue' }).click();
        expect(new URL(plain.url()).pathname).to.equal('/account');
        const token = (await noScript.cookies(url)).find((cookie) => cookie.name === 'token')!.value;
        expect((await stack.server.api.validateToken({ token })).amr).to.deep.equal(['pwd', 'otp']);
      });
    });
  });
