/**
 * The qualities of the OpenID Provider's pages in Chromium, measured as the hosted pages'
 * are (test/support/page-quality.ts), in English and German: the consent page, the
 * end-session confirmation, the signed-out page and the provider's error page have no
 * accessibility violation axe-core finds, light and dark, on both set-ups; on the embedded
 * set-up each is weighed (under 50 KB with its CSS), fits 320 px, and is photographed at
 * 1280 and 375 px into docs/ui/ for docs/ui.md.
 */
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, serveHtml } from '../support/chromium.js';
import { PASSWORD } from '../support/factor-fixture.js';
import { loopbackIssuer } from '../support/oidc-clients.js';
import { type OidcStack, startOidcStack } from '../support/oidc-fixture.js';
import { expectNoAxeViolations, measureAndPhotograph, reachAndRead, WIDTHS } from '../support/page-quality.js';
import { freshDataDir, SETUP_TITLES, SETUPS } from '../support/server.js';

/** Fixed, so the screenshots change only when the pages do. */
const PERSON = { email: 'ada.lovelace@example.org', firstName: 'Ada', lastName: 'Lovelace' };
const APP_NAME = 'Grafana';
const LANGUAGES = ['en', 'de'] as const;

interface OidcPageState {
  name: string;
  /** Brings `page` to the state from a browser without cookies, in `language`. */
  reach(page: Page, apps: Apps): Promise<void>;
}

/** The apps the states sign in to: one that asks for consent and one first-party, both back on `appUrl`. */
interface Apps {
  issuer: string;
  appUrl: string;
  thirdParty: string;
  firstParty: string;
}

function authorizeUrl(apps: Apps, clientId: string, path: string): string {
  const url = new URL('/oidc/authorize', apps.issuer);
  const query = {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: `${apps.appUrl}${path}`,
    scope: 'openid profile email',
    state: 'fixed-state',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.href;
}

async function signIn(page: Page): Promise<void> {
  await page.locator('#email').fill(PERSON.email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form[action="/sign-in"] button[type="submit"]').click();
}

const STATES: readonly OidcPageState[] = [
  {
    name: 'oidc-consent',
    reach: async (page, apps) => {
      await page.goto(authorizeUrl(apps, apps.thirdParty, '/third-party/callback'));
      await signIn(page);
      await page.locator('button[value="allow"]').waitFor();
    },
  },
  {
    name: 'oidc-logout',
    reach: async (page, apps) => {
      await page.goto(authorizeUrl(apps, apps.firstParty, '/first-party/callback'));
      await signIn(page);
      await page.waitForURL(`${apps.appUrl}/**`);
      const logout = new URL('/oidc/logout', apps.issuer);
      logout.searchParams.set('client_id', apps.firstParty);
      logout.searchParams.set('post_logout_redirect_uri', `${apps.appUrl}/signed-out`);
      await page.goto(logout.href);
      await page.locator('button[value="yes"]').waitFor();
    },
  },
  {
    name: 'oidc-signed-out',
    reach: async (page, apps) => void (await page.goto(new URL('/oidc/logout/success', apps.issuer).href)),
  },
  {
    name: 'oidc-error',
    reach: async (page, apps) => void (await page.goto(authorizeUrl(apps, 'no-such-client', '/callback'))),
  },
];

for (const setup of SETUPS)
  describe(`The OpenID Provider's pages in Chromium: accessibility${setup === 'embedded' ? ', weight and screenshots' : ''}, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(120000);
    let stack: OidcStack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let appPages: { server: Server; origin: string };
    let apps: Apps;

    before(async function () {
      browser = await launchChromium(this);
      appPages = await serveHtml(() => '<!doctype html><html lang="en"><head><title>app</title></head><body><h1>Back at the app</h1></body></html>');
      const loopback = await loopbackIssuer();
      stack = await startOidcStack(setup, this, 'oidc_pages_quality', { DATA_DIR: freshDataDir(), PUBLIC_URL: loopback.issuer }, loopback.bridgeEnv);
      const admin = { token: await stack.adminToken() };
      const app = async (name: string, firstParty: boolean, path: string) => {
        const registered = await stack.server.api.registerService({ email: `${name.toLowerCase()}@apps.example.org`, name, groups: [] }, admin);
        const clientId = registered.client!.id;
        await stack.server.api.setOidcClient(
          {
            clientId,
            redirectUris: [`${appPages.origin}${path}`],
            postLogoutRedirectUris: [`${appPages.origin}/signed-out`],
            publicClient: true,
            firstParty,
            scopes: ['openid', 'profile', 'email'],
            grantTypes: ['authorization_code'],
          },
          admin,
        );
        return clientId;
      };
      apps = {
        issuer: loopback.issuer,
        appUrl: appPages.origin,
        thirdParty: await app(APP_NAME, false, '/third-party/callback'),
        firstParty: await app('Dashboard', true, '/first-party/callback'),
      };
      await stack.server.api.registerUser({
        email: PERSON.email,
        password: PASSWORD,
        firstName: PERSON.firstName,
        lastName: PERSON.lastName,
        phoneNumber: '',
        attributes: {},
      });
    });
    after(async () => {
      await context?.close();
      await browser?.close();
      appPages?.server.close();
      await stack?.close();
    });

    for (const language of LANGUAGES)
      describe(`in ${language}`, () => {
        before(async () => {
          await context?.close();
          // Script on, for axe (bypassCSP lets its injected script run under the pages' policy).
          context = await browser.newContext({ bypassCSP: true, locale: language, extraHTTPHeaders: { 'Accept-Language': language } });
          page = await context.newPage();
        });

        for (const state of STATES) {
          const name = language === 'en' ? state.name : `${state.name}-${language}`;
          it(`finds no accessibility violation on ${name}, light or dark`, async () => {
            await context.clearCookies();
            await state.reach(page, apps);
            await expectNoAxeViolations(page, name);
          });

          if (setup !== 'embedded') continue;

          it(`keeps ${name} under 50 KB, fits it in 320 px, and photographs it at ${WIDTHS.join(' and ')} px, light and dark`, async () => {
            await context.clearCookies();
            const html = await reachAndRead(page, apps.issuer, name, () => state.reach(page, apps));
            await measureAndPhotograph(page, apps.issuer, name, html);
          });
        }
      });
  });
