/**
 * The states of /account/two-factor and /account/passkeys that page-quality.test.ts
 * checks with axe, weighs and photographs. Each reach starts from a signed-out browser with
 * a person of its own, so a state that turns TOTP on can be reached again. The QR code, the
 * key and the recovery codes are new at every run: the screenshots cover them.
 */
import type { Page } from 'playwright-core';
import { enrolTotp, storedFactors, totpCode } from '../support/factor-fixture.js';
import { PASSWORD, type PageStack, type PageState, registerPerson } from '../support/page-fixture.js';

const RANDOM = ['.qr-code', '#totp-secret', '.recovery-codes'];
/** Fixed dates, so the passkeys page photographs the same at every run. */
const ADDED = new Date('2026-03-14T09:26:00Z');
const USED = new Date('2026-11-02T17:45:00Z');

async function signIn(page: Page, url: string, email: string, secret?: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (secret === undefined) return;
  await page.getByLabel('Code from your authenticator app').fill(totpCode(secret, 1));
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** A new person, signed in, with TOTP off. */
async function signedIn(page: Page, url: string, stack: PageStack): Promise<{ id: string }> {
  const person = await registerPerson(stack.server, 'Ada', 'Lovelace');
  await signIn(page, url, person.email);
  return person;
}

/** A new person with TOTP on, signed in with a code, on /account/two-factor. */
async function withTotp(page: Page, url: string, stack: PageStack): Promise<void> {
  const { email } = await registerPerson(stack.server, 'Ada', 'Lovelace');
  const { accessToken } = await stack.server.api.login({ email, password: PASSWORD });
  const { secret } = await enrolTotp(stack.server, accessToken);
  await signIn(page, url, email, secret);
  await page.goto(`${url}/account/two-factor`);
}

async function beginEnrolment(page: Page, url: string, stack: PageStack): Promise<string> {
  await signedIn(page, url, stack);
  await page.goto(`${url}/account/two-factor`);
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  return (await page.locator('#totp-secret').textContent()) ?? '';
}

async function withPasskey(page: Page, url: string, stack: PageStack): Promise<void> {
  const { id } = await signedIn(page, url, stack);
  const stored = storedFactors(stack.server);
  try {
    const passkey = { clientId: id, publicKey: 'pQECAyYgASFYIA', counter: 0, transports: ['internal'], backedUp: false };
    await stored.store.addPasskey({ ...passkey, id: `work-${id}`, name: 'Work laptop', createdAt: ADDED, lastUsedAt: USED });
    await stored.store.addPasskey({ ...passkey, id: `key-${id}`, name: 'Security key', createdAt: USED, lastUsedAt: null });
  } finally {
    stored.close();
  }
  await page.goto(`${url}/account/passkeys`);
}

export const FACTOR_STATES: readonly PageState[] = [
  {
    name: 'two-factor-off',
    reach: async (page, url, stack) => {
      await signedIn(page, url, stack);
      await page.goto(`${url}/account/two-factor`);
    },
  },
  { name: 'two-factor-enrol', mask: RANDOM, reach: async (page, url, stack) => void (await beginEnrolment(page, url, stack)) },
  {
    name: 'two-factor-enrol-error',
    reach: async (page, url, stack) => {
      const secret = await beginEnrolment(page, url, stack);
      await page.getByLabel('Code from your authenticator app').fill(totpCode(secret) === '000000' ? '111111' : '000000');
      await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    },
  },
  {
    name: 'recovery-codes',
    mask: RANDOM,
    reach: async (page, url, stack) => {
      const secret = await beginEnrolment(page, url, stack);
      await page.getByLabel('Code from your authenticator app').fill(totpCode(secret));
      await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    },
  },
  { name: 'two-factor-on', reach: withTotp },
  {
    name: 'two-factor-on-error',
    reach: async (page, url, stack) => {
      await withTotp(page, url, stack);
      await page.getByRole('button', { name: 'Get new recovery codes' }).click();
    },
  },
  {
    name: 'passkeys-empty',
    reach: async (page, url, stack) => {
      await signedIn(page, url, stack);
      await page.goto(`${url}/account/passkeys`);
    },
  },
  { name: 'passkeys', reach: withPasskey },
  {
    name: 'passkeys-error',
    reach: async (page, url, stack) => {
      await withPasskey(page, url, stack);
      await page.getByLabel('New name for Work laptop').fill('');
      await page.getByRole('button', { name: 'Rename Work laptop' }).click();
    },
  },
];
