/**
 * The live password-strength hint on /sign-up in headless Chromium, on both set-ups: typing
 * a weak and then a strong password, the polite live region under the field says what the
 * service's estimator says; the hint never holds the form back; without JavaScript the
 * region stays empty and the page works as before.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { de } from '../../bridge/messages/de.js';
import { en } from '../../bridge/messages/en.js';
import { launchChromium } from '../support/chromium.js';
import { type PageStack, startPageStack } from '../support/page-fixture.js';
import { STRONG_PASSPHRASE } from '../support/passwords.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';

const WEAK = 'Password123!';
const REGION = '#password-strength';

/** Waits until the live region's text satisfies `test`, and returns it. */
async function hintOf(page: Page, test: string): Promise<string> {
  await page.waitForFunction(([selector, prefix]) => (document.querySelector(selector!)?.textContent ?? '').startsWith(prefix!), [REGION, test] as const);
  return (await page.textContent(REGION)) ?? '';
}

for (const setup of SETUPS)
  describe(`The live password-strength hint in Chromium, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;
    let browser: Browser;
    let url: string;
    let counter = 0;
    const email = () => `hint${++counter}.${Date.now()}@example.org`;

    before(async function () {
      browser = await launchChromium(this);
      stack = await startPageStack(setup, this, 'strength_hint_browser');
      url = stack.bridge.url;
    });
    after(async () => {
      await browser?.close();
      await stack?.close();
    });

    it('says "Weak" with the estimator’s advice for a weak password, then "Strong enough" for a passphrase, in a polite live region', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      const asked: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/password-strength')) asked.push(request.postData() ?? '');
      });
      await page.goto(`${url}/sign-up`);
      expect(await page.getAttribute(REGION, 'aria-live')).to.equal('polite');
      await page.fill('#email', email());
      await page.locator('#password').pressSequentially(WEAK);
      const weak = await hintOf(page, `${en.newPassword.weak} — `);
      expect(weak.length).to.be.greaterThan(`${en.newPassword.weak} — `.length);
      await page.fill('#password', STRONG_PASSPHRASE);
      expect(await hintOf(page, en.newPassword.strongEnough)).to.equal(en.newPassword.strongEnough);
      expect(asked.length, 'at least one estimate asked').to.be.greaterThan(0);
      expect(JSON.parse(asked.at(-1)!)).to.include({ password: STRONG_PASSPHRASE });
      await page.fill('#password', '');
      await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === '', REGION);
      await context.close();
    });

    it('speaks the page’s language: German advice for a browser in German', async () => {
      const context = await browser.newContext({ locale: 'de-DE' });
      const page = await context.newPage();
      await page.goto(`${url}/sign-up`);
      await page.locator('#password').pressSequentially(WEAK);
      const hint = await hintOf(page, `${de.newPassword.weak} — `);
      const german = [...Object.values(de.strengthAdvice.warnings), ...Object.values(de.strengthAdvice.suggestions)];
      expect(german.some((sentence) => hint.includes(sentence))).to.equal(true);
      await context.close();
    });

    it('never holds the form back: a weak password is sent, and the service refuses it', async () => {
      const context = await browser.newContext({ locale: 'en' });
      const page = await context.newPage();
      await page.goto(`${url}/sign-up`);
      await page.fill('#email', email());
      await page.locator('#password').pressSequentially(WEAK);
      await hintOf(page, `${en.newPassword.weak} — `);
      const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
      expect(response?.status()).to.equal(400);
      expect(await page.textContent('.error-summary')).to.include(en.reasons.PASSWORD_TOO_WEAK);
      await context.close();
    });

    it('leaves the region empty without JavaScript, and asks nothing', async () => {
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      let asked = 0;
      page.on('request', (request) => {
        if (request.url().endsWith('/password-strength')) asked++;
      });
      await page.goto(`${url}/sign-up`);
      await page.fill('#password', WEAK);
      expect(await page.textContent(REGION)).to.equal('');
      expect(asked).to.equal(0);
      await context.close();
    });
  });
