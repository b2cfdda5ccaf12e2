/**
 * The hosted sign-in pages walked in headless Chromium with JavaScript switched off, as a
 * person would: typing, clicking, pressing keys. On both set-ups (the shared one through
 * the network wiring, the embedded one in process). Every page the browser was shown
 * carries the pages' security headers.
 *
 * Origins: the bridge is http://127.0.0.1:<b>; the app a sign-in may return to is
 * http://localhost:<a> (listed in UI_RETURN_TO_ORIGINS); the other site http://localhost:<e>.
 */
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, serveHtml } from '../support/chromium.js';
import { enrolTotp, totpCode } from '../support/factor-fixture.js';
import { expectPageHeaders, PAGE_CSP, PASSWORD, type PageStack, registerPerson, startPageStack } from '../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';

for (const setup of SETUPS)
  describe(`The sign-in pages in Chromium without JavaScript, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;
    let app: { server: Server; origin: string };
    let evil: { server: Server; origin: string };
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let url: string;
    let csp: string;
    const shown: { url: string; headers: Headers }[] = [];

    before(async function () {
      browser = await launchChromium(this);
      app = await serveHtml(
        () => '<!doctype html><html lang="en"><head><title>The app</title></head><body><h1>Back in the app</h1></body></html>',
        'localhost',
      );
      evil = await serveHtml(
        () => `<!doctype html><html lang="en"><head><title>Win a prize</title></head><body>
          <form method="post" action="${url}/sign-in"><input type="hidden" name="email" value="attacker@example.org">
          <input type="hidden" name="password" value="${PASSWORD}"><button>Claim</button></form></body></html>`,
        'localhost',
      );
      stack = await startPageStack(setup, this, 'sign_in_pages', {}, { UI_RETURN_TO_ORIGINS: app.origin });
      url = stack.bridge.url;
      csp = PAGE_CSP.replace("form-action 'self'", `form-action 'self' ${app.origin}`);
      context = await browser.newContext({ javaScriptEnabled: false });
      context.on('response', (response) => {
        if (response.request().resourceType() === 'document' && response.url().startsWith(url)) {
          shown.push({ url: `${response.request().method()} ${response.url()} (${response.status()})`, headers: new Headers(response.headers()) });
        }
      });
      page = await context.newPage();
    });

    after(async () => {
      await context?.close();
      await browser?.close();
      app?.server.close();
      evil?.server.close();
      await stack?.close();
    });

    beforeEach(() => context.clearCookies());

    const signIn = async (email: string, password = PASSWORD) => {
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    const accessCookie = async () => (await context.cookies(url)).find((cookie) => cookie.name === 'token');

    it('runs no script: the pages work with JavaScript off', async () => {
      await page.goto(`${url}/sign-in`);
      expect(await page.evaluate(() => document.querySelectorAll('script').length)).to.equal(0);
    });

    it('sends / to the sign-in page, signs in with a password, lands on /account, and / then goes there', async () => {
      const { email } = await registerPerson(stack.server, 'Grace', 'Hopper');
      await page.goto(`${url}/`);
      expect(new URL(page.url()).pathname).to.equal('/sign-in');
      await signIn(email);
      expect(new URL(page.url()).pathname).to.equal('/account');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Your account');
      expect(await page.locator('dl').textContent())
        .to.contain('Grace Hopper')
        .and.contain(email);
      await page.goto(`${url}/`);
      expect(new URL(page.url()).pathname).to.equal('/account');
    });

    it('signs out with the button: the cookies go, the page says so, and /account sends back to sign-in', async () => {
      const { email } = await registerPerson(stack.server);
      await page.goto(`${url}/sign-in`);
      await signIn(email);
      expect(await accessCookie()).to.not.equal(undefined);
      await page.getByRole('button', { name: 'Sign out' }).click();
      expect(await page.getByRole('status').textContent()).to.contain('You have signed out.');
      expect(await accessCookie()).to.equal(undefined);
      await page.goto(`${url}/account`);
      expect(new URL(page.url()).pathname).to.equal('/sign-in');
    });

    it('takes a TOTP code computed like an authenticator app as the second step', async () => {
      const { email } = await registerPerson(stack.server);
      const { secret } = await enrolTotp(stack.server, (await stack.server.api.login({ email, password: PASSWORD })).accessToken);
      await page.goto(`${url}/sign-in`);
      await signIn(email);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Confirm it is you');
      expect(await accessCookie()).to.equal(undefined);
      await page.getByLabel('Code from your authenticator app').fill(totpCode(secret, 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(new URL(page.url()).pathname).to.equal('/account');
      expect(await accessCookie()).to.not.equal(undefined);
    });

    it('takes a recovery code instead, after switching to it', async () => {
      const { email } = await registerPerson(stack.server);
      const { recoveryCodes } = await enrolTotp(stack.server, (await stack.server.api.login({ email, password: PASSWORD })).accessToken);
      await page.goto(`${url}/sign-in`);
      await signIn(email);
      await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
      await page.getByLabel('Recovery code').fill(recoveryCodes[1]!);
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(new URL(page.url()).pathname).to.equal('/account');
    });

    it('announces a wrong password (role=alert), focuses the summary, and its link leads to the field', async () => {
      const { email } = await registerPerson(stack.server);
      await page.goto(`${url}/sign-in`);
      await signIn(email, 'not my password');
      const summary = page.getByRole('alert');
      expect(await summary.textContent())
        .to.contain('There is a problem')
        .and.contain('The email address or the password is not right.');
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('error-summary');
      expect(await page.title()).to.match(/^Error: Sign in/);
      expect(await page.getByLabel('Email address').inputValue()).to.equal(email);
      expect(await page.getByLabel('Password').inputValue()).to.equal('');
      await summary.getByRole('link').click();
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('password');
    });

    it('signs in with the keyboard alone: Tab to each field, type, Enter', async () => {
      const { email } = await registerPerson(stack.server);
      await page.goto(`${url}/sign-in`);
      const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
      for (let presses = 0; presses < 5 && (await focused()) !== 'email'; presses++) await page.keyboard.press('Tab');
      expect(await focused()).to.equal('email');
      await page.keyboard.type(email);
      await page.keyboard.press('Tab');
      expect(await focused()).to.equal('password');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${url}/account`);
    });

    it('returns to an allowed origin after signing in, and to /account when return_to names another', async () => {
      const { email } = await registerPerson(stack.server);
      await page.goto(`${url}/sign-in?return_to=${encodeURIComponent(`${app.origin}/orders`)}`);
      await signIn(email);
      expect(page.url()).to.equal(`${app.origin}/orders`);
      expect(await page.getByRole('heading').textContent()).to.equal('Back in the app');
      for (const refused of ['//evil.example', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
        await context.clearCookies();
        await page.goto(`${url}/sign-in?return_to=${encodeURIComponent(refused)}`);
        await signIn(email);
        expect(page.url(), refused).to.equal(`${url}/account`);
      }
    });

    it('refuses a sign-in form another site posts, and nobody is signed in', async () => {
      await page.goto(`${evil.origin}/`);
      await page.getByRole('button', { name: 'Claim' }).click();
      expect(page.url()).to.equal(`${url}/sign-in`);
      expect(await page.locator('main').textContent()).to.contain('This form was sent from another site, so it was refused.');
      expect(await accessCookie()).to.equal(undefined);
    });

    it('carried the security headers on every page it showed', () => {
      expect(shown.length).to.be.greaterThan(15);
      for (const { url: what, headers } of shown) {
        if (headers.get('Location') !== null) continue;
        expectPageHeaders(headers, what, { csp });
      }
    });
  });
