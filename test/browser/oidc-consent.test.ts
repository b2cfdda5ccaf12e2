/**
 * Consent at the OpenID Provider, in headless Chromium with openid-client as the relying
 * party, on both set-ups: an app that is not first-party shows the person a consent page
 * naming it and what it asks; Allow records the grant (the next sign-in skips the page),
 * Deny sends access_denied back to the app; prompt=consent and a revoked grant ask again.
 *
 * No app's origin is among the pages' return origins (UI_RETURN_TO_ORIGINS): Chromium
 * holds the redirects after a form's post to the page's form-action, so a flow that ends
 * at the app proves the sign-in and consent pages allowed that app's registered origin.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import * as client from 'openid-client';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { eventually } from '../support/eventually.js';
import { PASSWORD, registerUser } from '../support/factor-fixture.js';
import { discoverAt, loopbackIssuer, type RegisteredRp, registerRp } from '../support/oidc-clients.js';
import { type OidcStack, startOidcStack } from '../support/oidc-fixture.js';
import { freshDataDir, SETUP_TITLES, SETUPS } from '../support/server.js';
import { skipOrFailInCI } from '../support/skip-or-fail.js';

const CHROMIUM = '/usr/bin/chromium';
const SCOPE = 'openid email profile';

/** An app's own pages, on an origin of its own: where the provider sends the browser back. */
async function startAppPages(): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html><head><title>app</title></head><body><h1>Back at the app</h1></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

for (const setup of SETUPS)
  describe(`OpenID Provider consent in Chromium (${SETUP_TITLES[setup]})`, function () {
    this.timeout(90000);
    let stack: OidcStack;
    let issuer: string;
    let appPages: { url: string; server: Server };
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let person: { id: string; email: string };

    before(async function () {
      if (!existsSync(CHROMIUM)) skipOrFailInCI(this, `${CHROMIUM} is missing (apt-get install chromium)`);
      const loopback = await loopbackIssuer();
      issuer = loopback.issuer;
      appPages = await startAppPages();
      stack = await startOidcStack(
        setup,
        this,
        'oidc_consent',
        { DATA_DIR: freshDataDir(), PUBLIC_URL: issuer },
        { ...loopback.bridgeEnv, UI_RETURN_TO_ORIGINS: '' },
      );
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
      context = await browser.newContext();
      page = await context.newPage();
      person = await registerUser(stack.server, 'oidc-consent');
    });
    after(async () => {
      await context?.close();
      await browser?.close();
      appPages?.server.close();
      await stack?.close();
    });

    /** Starts a code flow with PKCE at the provider; the browser lands wherever it sends it. */
    async function authorize(configuration: client.Configuration, rp: RegisteredRp, extra: Record<string, string> = {}) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: rp.redirectUri,
        scope: SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        ...extra,
      });
      await page.goto(url.href);
      return { pkceCodeVerifier: verifier, expectedState: state };
    }

    const backAtApp = async (rp: RegisteredRp) => {
      await page.waitForURL(`${rp.redirectUri}?**`);
      return new URL(page.url());
    };

    async function signInOnPage(): Promise<void> {
      await page.getByLabel('Email address').fill(person.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    }

    describe('a first-party app on an origin the pages do not list', () => {
      it('signs the person in and back to the app: the sign-in page lets its form lead to that app', async () => {
        const rp = await registerRp(stack, { redirectUri: `${appPages.url}/first-party/callback`, firstParty: true });
        const configuration = await discoverAt(issuer, rp);
        const checks = await authorize(configuration, rp);
        expect(new URL(page.url()).pathname, 'the hosted sign-in').to.equal('/sign-in');
        await signInOnPage();
        const tokens = await client.authorizationCodeGrant(configuration, await backAtApp(rp), checks);
        expect(tokens.claims()?.sub).to.equal(person.id);
      });
    });

    describe('an app that is not first-party', () => {
      let rp: RegisteredRp;
      let configuration: client.Configuration;

      before(async () => {
        rp = await registerRp(stack, { redirectUri: `${appPages.url}/third-party/callback`, firstParty: false });
        configuration = await discoverAt(issuer, rp);
      });

      it('asks the person on a consent page naming the app and what it asks; Allow gives the app its code and tokens', async () => {
        const checks = await authorize(configuration, rp);
        if (new URL(page.url()).pathname === '/sign-in') await signInOnPage();
        await page.getByRole('heading', { level: 1 }).waitFor();
        expect(new URL(page.url()).pathname).to.match(/^\/oidc\/interaction\//);
        const main = (await page.locator('main').textContent()) ?? '';
        expect(main, 'the app by its name').to.match(/service \d+/);
        expect(main).to.match(/email address/i);
        expect(main).to.match(/name/i);
        await page.getByRole('button', { name: 'Allow' }).click();
        const tokens = await client.authorizationCodeGrant(configuration, await backAtApp(rp), checks);
        expect(tokens.claims()?.sub).to.equal(person.id);
        expect(tokens.scope?.split(' ')).to.include.members(['openid', 'email', 'profile']);
      });

      it('skips the page the next time the app asks the same', async () => {
        const checks = await authorize(configuration, rp);
        const tokens = await client.authorizationCodeGrant(configuration, await backAtApp(rp), checks);
        expect(tokens.claims()?.sub).to.equal(person.id);
      });

      it('asks again at prompt=consent; Deny sends access_denied back to the app, and no code', async () => {
        const checks = await authorize(configuration, rp, { prompt: 'consent' });
        await page.getByRole('button', { name: 'Deny' }).click();
        const back = await backAtApp(rp);
        expect(back.searchParams.get('error')).to.equal('access_denied');
        expect(back.searchParams.get('code')).to.equal(null);
        expect(back.searchParams.get('state')).to.equal(checks.expectedState);
      });

      it('asks again once the grant is revoked by the person signing out elsewhere', async () => {
        const { accessToken } = await stack.server.api.login({ email: person.email, password: PASSWORD });
        await stack.server.api.logout({}, { token: accessToken });
        // The revocation feed ends the grants; until it has, the app may still get a code at once.
        const shown = await eventually(
          async () => {
            await authorize(configuration, rp);
            if (new URL(page.url()).pathname === '/sign-in') await signInOnPage();
            await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/') || url.href.startsWith(rp.redirectUri));
            return new URL(page.url()).pathname.startsWith('/oidc/interaction/') ? true : null;
          },
          { timeoutMs: 20000, intervalMs: 200, what: 'the consent page after the grant was revoked' },
        );
        expect(shown, 'the consent page').to.equal(true);
        await page.getByRole('button', { name: 'Allow' }).click();
        expect((await backAtApp(rp)).searchParams.get('code')).to.be.a('string');
      });
    });
  });
