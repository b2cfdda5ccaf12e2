/**
 * The states of the account's sections (name, password, sessions, sign-in history,
 * deletion) that page-quality.test.ts checks with axe, weighs and photographs: each form
 * empty, with an error, and after success. Each reach starts from a signed-out browser with
 * a person of its own (Ada Lovelace), so every state can be reached again. The times on the
 * sessions and history pages change at every run: the screenshots cover them.
 */
import type { Page } from 'playwright-core';
import { PASSWORD, type PageStack, type PageState, registerPerson } from '../support/page-fixture.js';
import { STRONG_PASSPHRASE } from '../support/passwords.js';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const TIMES = ['.record .time'];

/** A new person, signed in, on `then`. */
async function signIn(page: Page, url: string, stack: PageStack, then: string): Promise<string> {
  const { email } = await registerPerson(stack.server, 'Ada', 'Lovelace');
  await page.goto(`${url}/sign-in?return_to=${encodeURIComponent(then)}`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  return email;
}

/** Fills the labelled fields and presses the button. */
async function submit(page: Page, fields: Record<string, string>, button: string): Promise<void> {
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: button }).click();
}

/** The person of `email` signed in on a phone, as the phone's browser would post the form. */
async function onPhone(url: string, email: string): Promise<void> {
  await fetch(`${url}/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin', 'User-Agent': PHONE },
    body: new URLSearchParams({ email, password: PASSWORD }).toString(),
    redirect: 'manual',
  });
}

/** A new person signed in on this browser and, a moment later, on a phone. */
async function twoSessions(page: Page, url: string, stack: PageStack): Promise<void> {
  const email = await signIn(page, url, stack, '/account/sessions');
  await onPhone(url, email);
  await page.goto(`${url}/account/sessions`);
}

const password = (from: string, to: string) => ({ 'Current password': from, 'New password': to, 'The new password again': to });

export const ACCOUNT_STATES: readonly PageState[] = [
  { name: 'account-profile', reach: async (page, url, stack) => void (await signIn(page, url, stack, '/account/profile')) },
  {
    name: 'account-profile-saved',
    reach: async (page, url, stack) => {
      await signIn(page, url, stack, '/account/profile');
      await submit(page, { 'First name': 'Ada', 'Last name': 'Lovelace' }, 'Save');
    },
  },
  {
    name: 'account-profile-error',
    reach: async (page, url, stack) => {
      await signIn(page, url, stack, '/account/profile');
      await submit(page, { 'First name': 'A'.repeat(101) }, 'Save');
    },
  },
  { name: 'account-password', reach: async (page, url, stack) => void (await signIn(page, url, stack, '/account/password')) },
  {
    name: 'account-password-error',
    reach: async (page, url, stack) => {
      await signIn(page, url, stack, '/account/password');
      await submit(page, password('not the password', STRONG_PASSPHRASE), 'Change password');
    },
  },
  {
    name: 'account-password-changed',
    reach: async (page, url, stack) => {
      await signIn(page, url, stack, '/account/password');
      await submit(page, password(PASSWORD, STRONG_PASSPHRASE), 'Change password');
    },
  },
  { name: 'account-sessions', reach: twoSessions, mask: TIMES },
  {
    name: 'account-sessions-ended',
    mask: TIMES,
    reach: async (page, url, stack) => {
      await twoSessions(page, url, stack);
      await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    },
  },
  {
    name: 'account-sign-ins',
    mask: TIMES,
    reach: async (page, url, stack) => {
      const email = await signIn(page, url, stack, '/account/password');
      // A failed attempt and a sign-in from a phone beside this one's, for a history with each outcome.
      await stack.server.api.login({ email, password: 'not the password' }).catch(() => undefined);
      await onPhone(url, email);
      await page.goto(`${url}/account/sign-ins`);
    },
  },
  { name: 'account-delete', reach: async (page, url, stack) => void (await signIn(page, url, stack, '/account/delete')) },
  {
    name: 'account-delete-error',
    reach: async (page, url, stack) => {
      await signIn(page, url, stack, '/account/delete');
      await submit(page, { 'Your password': 'not the password' }, 'Delete my account');
    },
  },
  {
    name: 'account-deleted',
    reach: async (page, url, stack) => {
      await signIn(page, url, stack, '/account/delete');
      await submit(page, { 'Your password': PASSWORD }, 'Delete my account');
    },
  },
];
