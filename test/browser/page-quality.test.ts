/**
 * The qualities every page and state must keep, measured in Chromium: no accessibility
 * violation axe-core can find (light and dark), a weight under 50 KB (HTML with its CSS
 * and script, before compression; printed), no sideways scrolling at 320 px, and screenshots at 1280 and 375 px wide,
 * light and dark, written to docs/ui/ for docs/ui.md (commit them when they change).
 *
 * States: sign-in empty (with its passkey) and with errors, a passkey that was not used,
 * the second step (passkey, code and recovery code, a passkey not used, a code missing),
 * the account page, an error page; sign-up (empty, refused, the live strength hint showing), email verification (mail sent,
 * the link's button, a link that does not work, confirmed), forgot-password (empty, error,
 * sent) and password reset (form, error, a link that does not work, no token); the
 * two-step sign-in and passkey pages of the account (factor-states.ts); the account's
 * other sections (account-page-states.ts). Passkeys
 * are on (WEBAUTHN_ORIGINS names the bridge), as they would be where people use them; a
 * virtual authenticator on the page holds one person's passkey. Screenshots and weights
 * are taken on the embedded set-up only: one run writes one set; axe runs on both.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { enrolTotp } from '../support/factor-fixture.js';
import { PASSWORD, type PageState as State } from '../support/page-fixture.js';
import { expectNoAxeViolations, measureAndPhotograph, reachAndRead, WIDTHS } from '../support/page-quality.js';
import {
  addVirtualAuthenticator,
  LOCALHOST_SWITCH,
  type PasskeyPageStack,
  passkeyNotUsed,
  registerPasskey,
  startPasskeyPageStack,
  type VirtualAuthenticator,
} from '../support/passkey-fixture.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';
import { ACCOUNT_STATES } from './account-page-states.js';
import { FACTOR_STATES } from './factor-states.js';

/** Fixed, so the screenshots change only when the pages do. */
const PERSON = { email: 'ada.lovelace@example.org', firstName: 'Ada', lastName: 'Lovelace' };
/** A mailed link's token no account holds: the reset and verification pages' form, and their "link does not work". */
const UNKNOWN_TOKEN = 'A'.repeat(43);
const NEW_PASSWORD = 'velvet tractor umbrella 42';
/** Has a passkey (on the page's authenticator) and TOTP. */
const PASSKEY_PERSON = `passkey.${PERSON.email}`;

const fill = async (page: Page, email: string, password: string) => {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
};

const STATES: readonly State[] = [
  {
    name: 'sign-in',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-in`);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor({ state: 'visible' });
    },
  },
  {
    name: 'sign-in-error',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-in`);
      await fill(page, PERSON.email, 'not the password');
    },
  },
  {
    name: 'sign-in-passkey-not-used',
    reach: async (page, url, _stack, authenticator) => {
      await page.goto(`${url}/sign-in`);
      await passkeyNotUsed(page, authenticator, 'Sign in with a passkey');
    },
  },
  {
    name: 'second-step-passkey',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-in`);
      await fill(page, PASSKEY_PERSON, PASSWORD);
      await page.getByRole('button', { name: 'Use your passkey' }).waitFor({ state: 'visible' });
    },
  },
  {
    name: 'second-step-passkey-not-used',
    reach: async (page, url, _stack, authenticator) => {
      await page.goto(`${url}/sign-in`);
      await fill(page, PASSKEY_PERSON, PASSWORD);
      await passkeyNotUsed(page, authenticator, 'Use your passkey');
    },
  },
  {
    name: 'second-step',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-in`);
      await fill(page, PERSON.email, PASSWORD);
    },
  },
  {
    name: 'second-step-recovery-code',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-in`);
      await fill(page, PERSON.email, PASSWORD);
      await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    },
  },
  {
    name: 'second-step-error',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-in`);
      await fill(page, PERSON.email, PASSWORD);
      await page.getByRole('button', { name: 'Continue' }).click();
    },
  },
  {
    name: 'account',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-in`);
      await fill(page, `plain.${PERSON.email}`, PASSWORD);
    },
  },
  { name: 'error', reach: async (page, url) => void (await page.goto(`${url}/sign-out`)) },
  { name: 'sign-up', reach: async (page, url) => void (await page.goto(`${url}/sign-up`)) },
  {
    name: 'sign-up-error',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-up`);
      await page.getByLabel('Email address').fill(`new.${PERSON.email}`);
      await page.getByLabel('Password', { exact: true }).fill('qwertyqwerty');
      await page.getByRole('button', { name: 'Create account' }).click();
    },
  },
  {
    name: 'sign-up-strength-hint',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-up`);
      await page.getByLabel('Email address').fill(`hint.${PERSON.email}`);
      await page.getByLabel('Password', { exact: true }).fill('Password123!');
      await page.waitForFunction(() => (document.getElementById('password-strength')?.textContent ?? '') !== '');
    },
  },
  {
    name: 'verify-email-sent',
    reach: async (page, url) => {
      await page.goto(`${url}/sign-in`);
      await fill(page, `plain.${PERSON.email}`, PASSWORD);
      await page.goto(`${url}/verify-email?notice=signed-up`);
    },
  },
  { name: 'verify-email-confirm', reach: async (page, url) => void (await page.goto(`${url}/verify-email?token=${UNKNOWN_TOKEN}`)) },
  {
    name: 'verify-email-invalid',
    reach: async (page, url) => {
      await page.goto(`${url}/verify-email?token=${UNKNOWN_TOKEN}`);
      await page.getByRole('button', { name: 'Confirm my email address' }).click();
    },
  },
  { name: 'verify-email-confirmed', reach: async (page, url) => void (await page.goto(`${url}/verify-email?notice=verified`)) },
  { name: 'forgot-password', reach: async (page, url) => void (await page.goto(`${url}/forgot-password`)) },
  {
    name: 'forgot-password-error',
    reach: async (page, url) => {
      await page.goto(`${url}/forgot-password`);
      await page.getByRole('button', { name: 'Send the link' }).click();
    },
  },
  { name: 'forgot-password-sent', reach: async (page, url) => void (await page.goto(`${url}/forgot-password?notice=sent`)) },
  { name: 'password-reset', reach: async (page, url) => void (await page.goto(`${url}/password-reset?token=${UNKNOWN_TOKEN}`)) },
  {
    name: 'password-reset-error',
    reach: async (page, url) => {
      await page.goto(`${url}/password-reset?token=${UNKNOWN_TOKEN}`);
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('The new password again').fill(`${NEW_PASSWORD}!`);
      await page.getByRole('button', { name: 'Change password' }).click();
    },
  },
  {
    name: 'password-reset-invalid',
    reach: async (page, url) => {
      await page.goto(`${url}/password-reset?token=${UNKNOWN_TOKEN}`);
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('The new password again').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
    },
  },
  { name: 'password-reset-no-token', reach: async (page, url) => void (await page.goto(`${url}/password-reset`)) },
  ...FACTOR_STATES,
  ...ACCOUNT_STATES,
];

for (const setup of SETUPS)
  describe(`Every page and state in Chromium: accessibility${setup === 'embedded' ? ', weight and screenshots' : ''}, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(120000);
    let stack: PasskeyPageStack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let authenticator: VirtualAuthenticator;

    before(async function () {
      browser = await launchChromium(this, [LOCALHOST_SWITCH]);
      stack = await startPasskeyPageStack(setup, this, 'page_quality');
      const register = (email: string) =>
        stack.server.api.registerUser({ email, password: PASSWORD, firstName: PERSON.firstName, lastName: PERSON.lastName, phoneNumber: '', attributes: {} });
      await register(PERSON.email);
      await register(`plain.${PERSON.email}`);
      await register(PASSKEY_PERSON);
      await enrolTotp(stack.server, (await stack.server.api.login({ email: PERSON.email, password: PASSWORD })).accessToken);
      // Script on, for axe (bypassCSP lets its injected script run under the pages' policy) and the passkeys.
      // A fixed request id: the error page shows it as a reference, and the screenshots must not change with it.
      context = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: { 'X-Request-Id': 'f00d-cafe' } });
      page = await context.newPage();
      await page.goto(`${stack.url}/sign-in`);
      authenticator = await addVirtualAuthenticator(context, page);
      await fill(page, PASSKEY_PERSON, PASSWORD);
      expect((await registerPasskey(page, 'laptop')).status).to.equal(201);
      const token = (await context.cookies(stack.url)).find((cookie) => cookie.name === 'token')!.value;
      await enrolTotp(stack.server, token);
    });

    after(async () => {
      await context?.close();
      await browser?.close();
      await stack?.close();
    });

    for (const state of STATES) {
      it(`finds no accessibility violation on ${state.name}, light or dark`, async () => {
        await context.clearCookies();
        await state.reach(page, stack.url, stack, authenticator);
        await expectNoAxeViolations(page, state.name);
      });

      if (setup !== 'embedded') continue;

      it(`keeps ${state.name} under 50 KB, fits it in 320 px, and photographs it at ${WIDTHS.join(' and ')} px, light and dark`, async () => {
        await context.clearCookies();
        const html = await reachAndRead(page, stack.url, state.name, () => state.reach(page, stack.url, stack, authenticator));
        await measureAndPhotograph(page, stack.url, state.name, html, state.mask);
      });
    }
  });
