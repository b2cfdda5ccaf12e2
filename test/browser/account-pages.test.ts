/**
 * The account's sections in Chromium with JavaScript off, on both set-ups. The name is
 * changed with the keyboard alone, its refusal announced and focused. One person
 * signed in in two browsers (two contexts, two cookie jars, two user agents) signs the
 * other out from /account/sessions, and the other browser's next page is the sign-in page.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { PASSWORD, type PageStack, registerPerson, startPageStack } from '../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';

const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

for (const setup of SETUPS)
  describe(`The account sections in Chromium without JavaScript, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    before(async function () {
      browser = await launchChromium(this);
      stack = await startPageStack(setup, this, 'account_pages_browser');
    });
    after(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await stack?.close();
    });

    const signedInBrowser = async (email: string, userAgent: string): Promise<Page> => {
      const context = await browser.newContext({ javaScriptEnabled: false, userAgent });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${stack.bridge.url}/sign-in`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      expect(new URL(page.url()).pathname).to.equal('/account');
      return page;
    };

    it('changes the name with the keyboard alone, and focuses the announced error summary when the name is refused', async () => {
      const { email } = await registerPerson(stack.server);
      const page = await signedInBrowser(email, LAPTOP);
      await page.goto(`${stack.bridge.url}/account/profile`);
      const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
      for (let presses = 0; presses < 20 && (await focused()) !== 'first_name'; presses++) await page.keyboard.press('Tab');
      expect(await focused()).to.equal('first_name');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('A'.repeat(101));
      // The refusal is a page of its own (the post's answer, 400): wait for it to load.
      await page.keyboard.press('Enter');
      await page.getByRole('alert').waitFor();
      expect(await focused()).to.equal('error-summary');
      expect(await page.getByRole('alert').textContent()).to.contain('Enter a first name of at most 100 characters');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      expect(await focused()).to.equal('first_name');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('Grace');
      await page.keyboard.press('Tab');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('Hopper');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${stack.bridge.url}/account/profile?notice=saved`);
      expect(await page.getByRole('status').textContent()).to.contain('Your name is saved.');
      const { client } = await stack.server.api.getMe({}, { token: (await stack.server.api.login({ email, password: PASSWORD })).accessToken });
      expect([client!.firstName, client!.lastName]).to.deep.equal(['Grace', 'Hopper']);
    });

    it("signs the other browser out from /account/sessions: the other's next page load goes to /sign-in", async () => {
      const { email } = await registerPerson(stack.server);
      const laptop = await signedInBrowser(email, LAPTOP);
      const phone = await signedInBrowser(email, PHONE);

      await laptop.getByRole('link', { name: 'Where you are signed in' }).click();
      expect(new URL(laptop.url()).pathname).to.equal('/account/sessions');
      expect(await laptop.getByRole('heading', { level: 2, name: /Chrome on Linux.*This device/ }).count()).to.equal(1);
      await laptop.getByRole('button', { name: /^Sign out Safari on iOS, last used / }).click();
      expect(laptop.url()).to.equal(`${stack.bridge.url}/account/sessions?notice=ended`);
      expect(await laptop.getByRole('status').textContent()).to.contain('That device is signed out.');
      expect(await laptop.getByRole('heading', { level: 2, name: /Safari on iOS/ }).count()).to.equal(0);

      await phone.reload();
      expect(phone.url()).to.equal(`${stack.bridge.url}/sign-in?return_to=%2Faccount`);
      expect(await phone.getByRole('heading', { level: 1 }).textContent()).to.equal('Sign in');
      await laptop.goto(`${stack.bridge.url}/account`);
      expect(new URL(laptop.url()).pathname).to.equal('/account');
    });
  });
