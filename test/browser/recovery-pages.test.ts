/**
 * The sign-up and recovery pages walked in headless Chromium, on both set-ups, with the mail
 * read from the development mailbox (the .eml files DATA_DIR/mail holds without SMTP_URL,
 * as `npm run mailbox` lists them): sign-up -> the verification mail -> its link's button
 * -> sign-in; and forgot-password -> the mailed link -> a new password -> the old one fails,
 * the new one signs in. The sign-up walk runs with JavaScript off; the reset walk with it
 * on, so the reset page's script takes the token out of the address bar.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/eventually.js';
import { mailedLink as mailedLinkIn, PASSWORD, type PageStack, registerPerson, startPageStack } from '../support/page-fixture.js';
import { freshDataDir, SETUP_TITLES, SETUPS } from '../support/server.js';

const NEW_PASSWORD = 'velvet tractor umbrella 42';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

for (const setup of SETUPS)
  describe(`Sign-up and recovery pages in Chromium, mail from the development mailbox, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;
    let browser: Browser;
    let url: string;
    let mailDir: string;
    const contexts: BrowserContext[] = [];

    before(async function () {
      browser = await launchChromium(this);
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      stack = await startPageStack(
        setup,
        this,
        'recovery_pages_browser',
        { DATA_DIR: freshDataDir(), PUBLIC_URL: url, RECOVERY_IP_REQUESTS_MAX: '100000' },
        {
          BRIDGE_PORT: String(port),
          PUBLIC_URL: url,
        },
      );
      const { mail } = stack.server.config;
      if (mail.kind !== 'files') throw new Error('the suite reads the development mailbox, which needs no SMTP_URL');
      mailDir = mail.directory;
    });
    after(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await stack?.close();
    });

    const newPage = async (javaScriptEnabled: boolean): Promise<Page> => {
      const context = await browser.newContext({ javaScriptEnabled });
      contexts.push(context);
      return context.newPage();
    };
    const mailedLink = (email: string, path: string) => mailedLinkIn(mailDir, email, url, path);
    const signIn = async (page: Page, email: string, password: string) => {
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    const isVerified = async (email: string) => {
      const { accessToken } = await stack.server.api.login({ email, password: PASSWORD });
      return (await stack.server.api.getMe({}, { token: accessToken })).client!.emailVerified;
    };
    const logs = () => [...stack.bridge.logs, ...stack.server.logs].join('\n');

    it('signs up, opens the verification mail link, confirms with its button, and signs in (JavaScript off)', async () => {
      const email = `chromium.sign-up.${setup}.${Date.now()}@example.org`;
      const page = await newPage(false);
      await page.goto(`${url}/sign-in`);
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('First name (optional)').fill('Grace');
      await page.getByLabel('Last name (optional)').fill('Hopper');
      await page.getByRole('button', { name: 'Create account' }).click();
      expect(page.url()).to.equal(`${url}/verify-email?notice=signed-up`);
      expect(await page.locator('main').textContent()).to.contain(`We sent an email to ${email}.`);

      // The mail opened in another browser, signed out, as from a phone.
      const link = await mailedLink(email, '/verify-email');
      const elsewhere = await newPage(false);
      const opened = await elsewhere.goto(link);
      expect(opened!.headers()['referrer-policy']).to.equal('no-referrer');
      expect(await isVerified(email)).to.equal(false);
      await elsewhere.getByRole('button', { name: 'Confirm my email address' }).click();
      expect(elsewhere.url()).to.equal(`${url}/verify-email?notice=verified`);
      expect(await isVerified(email)).to.equal(true);
      expect(await elsewhere.locator('h1').textContent()).to.equal('Email address confirmed');
      await elsewhere.getByRole('link', { name: 'Continue' }).click();
      expect(new URL(elsewhere.url()).pathname).to.equal('/sign-in');
      await signIn(elsewhere, email, PASSWORD);
      expect(elsewhere.url()).to.equal(`${url}/account`);
      expect(await elsewhere.locator('main').textContent()).to.contain('Grace Hopper');

      // The first browser, still signed in, now reads the address as confirmed.
      await page.goto(`${url}/verify-email`);
      expect(await page.locator('h1').textContent()).to.equal('Email address confirmed');
      expect(logs()).to.not.include(new URL(link).searchParams.get('token')!);
    });

    it('asks for a reset link, opens it from the mail, sets a new password; the old one fails and the new one signs in (JavaScript on)', async () => {
      const { email } = await registerPerson(stack.server);
      const page = await newPage(true);
      await page.goto(`${url}/sign-in`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Send the link' }).click();
      expect(page.url()).to.equal(`${url}/forgot-password?notice=sent`);
      expect(await page.locator('h1').textContent()).to.equal('Check your email');

      const link = await mailedLink(email, '/password-reset');
      const opened = await page.goto(link);
      expect(opened!.headers()['referrer-policy']).to.equal('no-referrer');
      // The page's script took the token out of the address bar and its history entry.
      await eventually(() => page.url() === `${url}/password-reset`, { what: 'the token gone from the address' });
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('The new password again').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      expect(page.url()).to.equal(`${url}/sign-in?notice=password-changed`);
      expect(await page.getByRole('status').textContent()).to.contain('Your password is changed');

      await signIn(page, email, PASSWORD);
      expect(new URL(page.url()).pathname).to.equal('/sign-in');
      expect(await page.getByRole('alert').textContent()).to.contain('The email address or the password is not right.');
      await signIn(page, email, NEW_PASSWORD);
      expect(page.url()).to.equal(`${url}/account`);
      expect(await page.locator('main').textContent()).to.contain(email);
      expect(logs()).to.not.include(new URL(link).searchParams.get('token')!);
    });
  });
