/**
 * The qualities every admin console page and state keeps, measured in Chromium as
 * page-quality.test.ts measures the hosted pages (the same helpers, test/support/page-quality.ts):
 * no axe-core violation, light and dark, in English and German; every link, field and button
 * reached by the keyboard alone; and, on the embedded set-up, the weight under 50 KB, no
 * sideways scrolling at 320 px, and the screenshots in docs/ui/ (docs/ui.md shows them).
 *
 * States: the overview with its figures, the 403 page of a non-admin, the list of clients (a
 * search, and a refused group filter), a client's page, the same with a refused suspension,
 * the re-authentication page, a deleted client's cascade, and a service client's OpenID
 * Connect settings, also with a redirect URI the service refuses.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { ADMIN, PASSWORD, type PageStack, startPageStack } from '../support/page-fixture.js';
import { expectNoAxeViolations, measureAndPhotograph, reachAndRead, WIDTHS } from '../support/page-quality.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';

const MINUTE = 60_000;
/** Fixed, so the screenshots change only when the pages do. */
const OPERATOR = 'operator@example.org';
const PERSON = 'ada.lovelace@example.org';
const STRANGER = 'not.an.admin@example.org';

interface ConsoleState {
  name: string;
  /** Brings the page to the state; the browser is signed in as the operator unless the state signs in otherwise. */
  reach(page: Page, url: string, stack: PageStack, ids: { person: string; operator: string; deleted: string; service: string }): Promise<void>;
  /** What differs at every run (ids, times), covered in the screenshots. */
  mask?: readonly string[];
}

const STATES: readonly ConsoleState[] = [
  {
    name: 'console-overview',
    reach: async (page, url) => void (await page.goto(`${url}/admin`)),
    // The figures and the time they were counted move with every sign-in of the run.
    mask: ['.overview-figures dd', '.overview-counted'],
  },
  {
    name: 'console-forbidden',
    reach: async (page, url) => {
      await page.context().clearCookies();
      await signIn(page, url, STRANGER, '/admin');
    },
  },
  { name: 'console-clients', reach: async (page, url) => void (await page.goto(`${url}/admin/clients?email=ada`)), mask: ['td[data-label]'] },
  // A group the service refuses: the list's form with the reason beside the group field (400).
  { name: 'console-clients-group-refused', reach: async (page, url) => void (await page.goto(`${url}/admin/clients?group=Night%20Shift`)) },
  {
    name: 'console-client',
    reach: async (page, url, _stack, ids) => void (await page.goto(`${url}/admin/clients/${ids.person}`)),
    // The id, the times, and the sessions' and events' rows differ at every run.
    mask: ['.summary-list dd:nth-of-type(1)', '.summary-list dd:nth-of-type(6)', '.summary-list dd:nth-of-type(7)', '.data-table tbody'],
  },
  {
    name: 'console-client-error',
    reach: async (page, url, _stack, ids) => {
      await page.goto(`${url}/admin/clients/${ids.person}`);
      await page.locator('form[action$="/suspend"] button').click();
    },
    // The id, the times, and the sessions' and events' rows differ at every run.
    mask: ['.summary-list dd:nth-of-type(1)', '.summary-list dd:nth-of-type(6)', '.summary-list dd:nth-of-type(7)', '.data-table tbody'],
  },
  {
    name: 'console-reauth',
    reach: async (page, url, stack, ids) => {
      await page.goto(`${url}/admin/clients/${ids.person}`);
      await stack.server.store.backdateSessionsOf(ids.operator, 16 * MINUTE);
      // By the fields' names, not their words: the state is reached in either language.
      await page.locator('input[name="reason"]').fill('reported phished');
      await page.locator('form[action$="/suspend"] button').click();
    },
  },
  {
    name: 'console-client-deleted',
    reach: async (page, url, _stack, ids) => void (await page.goto(`${url}/admin/clients/${ids.deleted}/deletion`)),
    mask: ['.notice p'],
  },
  {
    name: 'console-oidc-client',
    reach: async (page, url, _stack, ids) => void (await page.goto(`${url}/admin/services/${ids.service}/oidc`)),
    // The id and the time of the last save differ at every run.
    mask: ['main p:has(> code)', '.oidc-updated'],
  },
  {
    name: 'console-oidc-client-error',
    reach: async (page, url, _stack, ids) => {
      await page.goto(`${url}/admin/services/${ids.service}/oidc`);
      await page.locator('#redirect_uris').fill('https://*.example.com/login/generic_oauth');
      await page.locator('form[action$="/oidc"] button').click();
    },
    mask: ['main p:has(> code)', '.oidc-updated'],
  },
];

async function signIn(page: Page, url: string, email: string, returnTo = '/admin'): Promise<void> {
  await page.goto(`${url}/sign-in?return_to=${encodeURIComponent(returnTo)}`);
  // By the fields' ids, not their words: the suite signs in in either language.
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await Promise.all([page.waitForURL((address) => !address.pathname.startsWith('/sign-in')), page.locator('#password').press('Enter')]);
}

/** Tabs through the page from its top; expects every link, field and button of `main` to take the focus on the way. */
async function expectKeyboardReachable(page: Page, name: string): Promise<void> {
  const wanted = await page.locator('main :is(a[href], button, input:not([type="hidden"]), select, textarea)').count();
  const reached = new Set<string>();
  await page.locator('body').focus();
  for (let press = 0; press < wanted + 40; press++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element?.closest('main') || element.tagName === 'MAIN') return null;
      const all = [...document.querySelectorAll('main :is(a[href], button, input:not([type="hidden"]), select, textarea)')];
      return String(all.indexOf(element));
    });
    if (id !== null) reached.add(id);
  }
  expect(reached.size, `${name}: controls reached by Tab`).to.equal(wanted);
}

for (const setup of SETUPS)
  describe(`The admin console's pages in Chromium (axe, keyboard, both languages, weight, screenshots), on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(90000);
    let stack: PageStack;
    let browser: Browser;
    const ids = { person: '', operator: '', deleted: '', service: '' };

    before(async function () {
      browser = await launchChromium(this);
      stack = await startPageStack(setup, this, 'console_quality');
      const { api } = stack.server;
      const register = async (email: string, firstName: string, lastName: string) =>
        (await api.registerUser({ email, password: PASSWORD, firstName, lastName, phoneNumber: '', attributes: {} })).client!.id;
      const token = (await api.login(ADMIN)).accessToken;
      ids.operator = await register(OPERATOR, 'Grace', 'Hopper');
      await api.setClientGroups({ clientId: ids.operator, groups: ['admin'] }, { token });
      ids.person = await register(PERSON, 'Ada', 'Lovelace');
      await api.login({ email: PERSON, password: PASSWORD });
      await register(STRANGER, 'Not', 'Anadmin');
      ids.deleted = await register('deleted.person@example.org', 'Gone', 'Away');
      await api.deleteClient({ clientId: ids.deleted }, { token });
      ids.service = (await api.registerService({ email: 'grafana@example.org', name: 'Grafana', groups: [] }, { token })).client!.id;
      await api.setOidcClient(
        {
          clientId: ids.service,
          redirectUris: ['https://grafana.example.org/login/generic_oauth'],
          postLogoutRedirectUris: ['https://grafana.example.org/'],
          publicClient: false,
          firstParty: true,
          scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
          grantTypes: ['authorization_code', 'refresh_token'],
        },
        { token },
      );
    });
    after(async () => {
      await browser?.close();
      await stack?.close();
    });

    for (const language of ['en', 'de'] as const) {
      describe(language === 'en' ? 'in English' : 'in German', () => {
        let context: BrowserContext;
        let page: Page;
        beforeEach(async () => {
          // Script on for axe (bypassCSP lets its injected script run under the pages' policy); a fixed request id, as page-quality does.
          context = await browser.newContext({
            bypassCSP: true,
            locale: language,
            extraHTTPHeaders: { 'X-Request-Id': 'f00d-cafe', 'Accept-Language': language },
          });
          page = await context.newPage();
          await signIn(page, stack.bridge.url, OPERATOR);
        });
        afterEach(() => context?.close());

        for (const state of STATES) {
          it(`finds no accessibility violation on ${state.name}, light or dark, and reaches each control by keyboard`, async () => {
            await state.reach(page, stack.bridge.url, stack, ids);
            await expectNoAxeViolations(page, `${state.name} (${language})`);
            await expectKeyboardReachable(page, `${state.name} (${language})`);
          });
          if (setup !== 'embedded' || language !== 'en') continue;
          it(`keeps ${state.name} under 50 KB, fits it in 320 px, and photographs it at ${WIDTHS.join(' and ')} px, light and dark`, async () => {
            const html = await reachAndRead(page, stack.bridge.url, state.name, () => state.reach(page, stack.bridge.url, stack, ids));
            await measureAndPhotograph(page, stack.bridge.url, state.name, html, state.mask);
          });
        }
      });
    }
  });
