/**
 * The states of the console's operations sections (service clients, the secret shown once,
 * the audit log, the signing keys, the deletion requests) that
 * console-operations-quality.test.ts checks with axe, weighs and photographs, in English and German. Each reach starts from a
 * signed-out browser and signs in as an admin of its own (made by the bootstrap admin), so
 * every state can be reached again. Ids, secrets and times change at every run: the
 * screenshots cover them. The stack's keys must be stored ones (JWT_ALGORITHM=ES256).
 */
import type { Page } from 'playwright-core';
import { ADMIN, PASSWORD, type PageStack, type PageState, registerPerson } from '../support/page-fixture.js';

/** Who is signed in, ids, secrets and the tables whose rows differ at every run. */
const VARYING = ['.console-who', 'code', '#client-secret', '.data-table tbody'];
/** The audit state shows one row: its time, ids and address differ at every run, its event does not. */
const AUDIT_VARYING = ['.console-who', 'code', '.data-table tbody th', '.data-table tbody td:nth-child(5)', '#target'];

let admins = 0;

/** A new admin signed in, on `then` (a console path), in `language`. */
async function signInAdmin(page: Page, url: string, stack: PageStack, then: string, language: 'en' | 'de' = 'en'): Promise<{ id: string; email: string }> {
  const { id, email } = await registerPerson(stack.server, 'Grace', `Hopper${++admins}`);
  const { accessToken } = await stack.server.api.login(ADMIN);
  await stack.server.api.setClientGroups({ clientId: id, groups: ['admin'] }, { token: accessToken });
  await page.setExtraHTTPHeaders({ 'Accept-Language': language });
  await page.goto(`${url}/sign-in?return_to=${encodeURIComponent(then)}`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('form button[type="submit"]').first().click();
  await page.waitForURL(`${url}${then}`);
  return { id, email };
}

/** A service registered through the service, so the list has a row (and a last token issue). */
async function aService(stack: PageStack, name: string): Promise<void> {
  const { accessToken } = await stack.server.api.login(ADMIN);
  const { client, clientSecret } = await stack.server.api.registerService(
    { email: `${name.toLowerCase()}.${Date.now()}.${++admins}@example.org`, name, groups: [] },
    { token: accessToken },
  );
  await stack.server.api.issueServiceToken({ clientId: client!.id, clientSecret });
}

export const CONSOLE_OPERATION_STATES: readonly PageState[] = [
  {
    name: 'console-services',
    reach: async (page, url, stack) => {
      await aService(stack, 'Billing');
      await signInAdmin(page, url, stack, '/admin/services');
    },
    mask: VARYING,
  },
  {
    name: 'console-services-error',
    reach: async (page, url, stack) => {
      await signInAdmin(page, url, stack, '/admin/services');
      await page.getByRole('button', { name: 'Register' }).click();
    },
    mask: VARYING,
  },
  {
    name: 'console-service-secret',
    reach: async (page, url, stack) => {
      await signInAdmin(page, url, stack, '/admin/services');
      await page.getByLabel('Name', { exact: true }).fill('Reports');
      await page.getByLabel('Contact email', { exact: true }).fill(`reports.${Date.now()}.${++admins}@example.org`);
      await page.getByRole('button', { name: 'Register' }).click();
      await page.getByRole('button', { name: 'Copy the secret' }).waitFor({ state: 'visible' });
    },
    mask: VARYING,
  },
  {
    name: 'console-audit',
    reach: async (page, url, stack) => {
      const admin = await signInAdmin(page, url, stack, '/admin/audit');
      await page.getByLabel('Event type').selectOption('login.succeeded');
      await page.getByLabel('Target client id').fill(admin.id);
      await page.getByRole('button', { name: 'Show' }).click();
    },
    mask: AUDIT_VARYING,
  },
  {
    name: 'console-audit-error',
    reach: async (page, url, stack) => {
      await signInAdmin(page, url, stack, '/admin/audit');
      await page.getByLabel('Client IP').fill('10.0.0.1/8');
      await page.getByRole('button', { name: 'Show' }).click();
    },
    mask: VARYING,
  },
  {
    name: 'console-signing-keys',
    reach: async (page, url, stack) => void (await signInAdmin(page, url, stack, '/admin/signing-keys')),
    mask: VARYING,
  },
  {
    name: 'console-deletion-requests',
    reach: async (page, url, stack) => {
      const { accessToken } = await stack.server.api.login(ADMIN);
      const person = await registerPerson(stack.server);
      await stack.server.api.deleteClient({ clientId: person.id }, { token: accessToken });
      await signInAdmin(page, url, stack, '/admin/deletion-requests');
    },
    mask: VARYING,
  },
  {
    name: 'console-services-de',
    reach: async (page, url, stack) => {
      await aService(stack, 'Abrechnung');
      await signInAdmin(page, url, stack, '/admin/services', 'de');
    },
    mask: VARYING,
  },
  {
    name: 'console-audit-de',
    reach: async (page, url, stack) => {
      await signInAdmin(page, url, stack, '/admin/audit', 'de');
      await page.getByLabel('Client-IP').fill('nirgendwo');
      await page.getByRole('button', { name: 'Anzeigen' }).click();
    },
    mask: VARYING,
  },
  {
    name: 'console-signing-keys-de',
    reach: async (page, url, stack) => void (await signInAdmin(page, url, stack, '/admin/signing-keys', 'de')),
    mask: VARYING,
  },
];
