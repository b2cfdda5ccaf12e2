/**
 * The account's sessions page in Chromium with JavaScript off, on both set-ups: one person
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
  describe(`The sessions page in Chromium without JavaScript, on ${SETUP_TITLES[setup]}`, function () {
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
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(new URL(page.url()).pathname).to.equal('/account');
      return page;
    };

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
