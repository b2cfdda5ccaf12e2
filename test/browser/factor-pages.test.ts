/**
 * The two-step sign-in and passkey pages walked in headless Chromium, on both set-ups:
 * turning TOTP on from the page with the keyboard (the key read from the page, the code
 * computed here as an app would), saving the recovery codes through the download link,
 * signing out and in again with a code; then adding a passkey with a virtual authenticator
 * (the page's own script from /assets/), renaming and deleting it. Without script, the
 * passkeys page says adding one needs JavaScript.
 *
 * WebAuthn wants a host name, not an IP address: the bridge is browsed as
 * http://localhost:<port>, the origin the service lists in WEBAUTHN_ORIGINS.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { totpCode } from '../support/factor-fixture.js';
import { PASSWORD, type PageStack, registerPerson, startPageStack } from '../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';

for (const setup of SETUPS)
  describe(`The two-step sign-in and passkey pages in Chromium, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(90000);
    let stack: PageStack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let url: string;
    let email: string;
    let secret: string;

    before(async function () {
      browser = await launchChromium(this);
      const port = await freePort();
      url = `http://localhost:${port}`;
      stack = await startPageStack(setup, this, 'factor_pages', { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: url }, { BRIDGE_PORT: String(port) });
      ({ email } = await registerPerson(stack.server, 'Katherine', 'Johnson'));
      context = await browser.newContext({ acceptDownloads: true });
      page = await context.newPage();
    });

    after(async () => {
      await context?.close();
      await browser?.close();
      await stack?.close();
    });

    const signInWithPassword = async () => {
      await page.goto(`${url}/sign-in`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByLabel('Password').press('Enter');
    };
    const path = () => new URL(page.url()).pathname;

    it('turns TOTP on from the page with the keyboard, and saves the recovery codes the page shows once', async () => {
      await signInWithPassword();
      expect(path()).to.equal('/account');
      await page.goto(`${url}/account/two-factor`);
      await page.getByRole('button', { name: 'Set up an authenticator app' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${url}/account/two-factor/enrol`);
      expect(await page.getByRole('img', { name: 'QR code to add this account to an authenticator app' }).evaluate((node) => node.tagName)).to.equal('svg');
      secret = (await page.locator('#totp-secret').textContent())!;
      expect(secret).to.match(/^[A-Z2-7]{32}$/);

      // A wrong code first: the error summary is focused, so it is read out.
      const field = page.getByLabel('Code from your authenticator app', { exact: true });
      await field.fill(totpCode(secret) === '000000' ? '111111' : '000000');
      await field.press('Enter');
      await page.waitForURL(`${url}/account/two-factor/confirm`);
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('error-summary');
      await page.getByRole('link', { name: /That code is not right/ }).press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('code');
      await page.keyboard.type(totpCode(secret));
      await page.keyboard.press('Enter');
      await page.getByText('These codes are shown only this once.').waitFor();
      const codes = await page.locator('.recovery-codes code').allTextContents();
      expect(codes).to.have.length(10);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the codes (text file)' }).click()]);
      expect(download.suggestedFilename()).to.equal('recovery-codes.txt');
      const file = await readFile((await download.path())!, 'utf8');
      for (const code of codes) expect(file).to.contain(code);
      expect((await stack.server.api.getMySecondFactors({}, { token: await accessToken(context, url) })).totpEnabled).to.equal(true);
    });

    it('signs out, and signs in again with a code from the app', async () => {
      await page.goto(`${url}/account`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      expect(path()).to.equal('/sign-in');
      await signInWithPassword();
      const code = page.getByLabel('Code from your authenticator app');
      await code.fill(totpCode(secret, 1));
      await code.press('Enter');
      await page.waitForURL(`${url}/account`);
      await page.goto(`${url}/account/two-factor`);
      expect(await page.getByText('Two-step sign-in is on:').count()).to.equal(1);
    });

    it('adds a passkey with the virtual authenticator, then renames it and deletes it from the page for the current password', async () => {
      await page.goto(`${url}/account/passkeys`);
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      expect(await page.getByText('Adding a passkey needs JavaScript').isVisible()).to.equal(false);
      await page.getByLabel('Name of the new passkey').fill('This laptop');
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.waitForURL(`${url}/account/passkeys?notice=added`);
      expect(await page.getByRole('status').textContent()).to.contain('The passkey was added.');
      expect(await page.getByRole('rowheader').allTextContents()).to.deep.equal(['This laptop']);

      await page.getByLabel('New name for This laptop').fill('Old laptop');
      await page.getByRole('button', { name: 'Rename This laptop' }).click();
      await page.waitForURL(`${url}/account/passkeys?notice=renamed`);
      expect(await page.getByRole('rowheader').allTextContents()).to.deep.equal(['Old laptop']);

      // A signed-in browser alone does not delete it: the page asks for the current password.
      await page.getByRole('button', { name: 'Delete Old laptop' }).click();
      expect(await page.getByRole('alert').textContent()).to.contain('Enter your current password to delete a passkey');
      await page.getByLabel('Your current password, to delete Old laptop').fill('not the password');
      await page.getByRole('button', { name: 'Delete Old laptop' }).click();
      expect(await page.getByRole('alert').textContent()).to.contain('Your current password is not right');
      expect(await page.getByRole('rowheader').allTextContents()).to.deep.equal(['Old laptop']);

      await page.getByLabel('Your current password, to delete Old laptop').fill(PASSWORD);
      await page.getByRole('button', { name: 'Delete Old laptop' }).click();
      await page.waitForURL(`${url}/account/passkeys?notice=deleted`);
      expect(await page.getByText('You have no passkeys yet.').count()).to.equal(1);
      expect((await stack.server.api.listPasskeys({}, { token: await accessToken(context, url) })).passkeys).to.deep.equal([]);
      await cdp.detach();
    });

    it('without JavaScript, says adding a passkey needs it and shows no add button', async () => {
      const cookies = await context.cookies(url);
      const plain = await browser.newContext({ javaScriptEnabled: false });
      try {
        await plain.addCookies(cookies);
        const noScript = await plain.newPage();
        await noScript.goto(`${url}/account/passkeys`);
        expect(await noScript.getByText('Adding a passkey needs JavaScript').isVisible()).to.equal(true);
        expect(await noScript.getByRole('button', { name: 'Add a passkey' }).isVisible()).to.equal(false);
      } finally {
        await plain.close();
      }
    });
  });

async function accessToken(context: BrowserContext, url: string): Promise<string> {
  return (await context.cookies(url)).find((cookie) => cookie.name === 'token')!.value;
}

/** A port free now, for a bridge whose origin must be known before the service starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
