/**
 * The consent interaction over HTTP, on both set-ups: what the page shows and how its form
 * is guarded, and what a first-party client gets when an app asks for consent anyway. The
 * whole flow in a browser is test/browser/oidc-consent.test.ts.
 */
import { expect } from 'chai';
import * as client from 'openid-client';
import { registerUser } from '../../support/factor-fixture.js';
import { authorization, ISSUER, OidcBrowser, type OidcStack, registerApp, signIn, startOidcStack } from '../../support/oidc-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`Consent at the OpenID Provider, over HTTP (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_consent');
    });
    after(async () => stack?.close());

    /** A person signed in, in a fresh browser, at the consent page of `app`; the page and the flow's checks. */
    async function atConsent(app: { id: string; secret: string; redirectUri: string }, extra: Record<string, string> = {}) {
      const person = await registerUser(stack.server, 'oidc-consent');
      const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
      const { url, checks } = await authorization(configuration, app.redirectUri, extra);
      const browser = new OidcBrowser(stack);
      const page = await signIn(browser, await browser.walk(url), person.email);
      return { browser, page, checks, configuration, person };
    }

    it('gives a first-party client its code at prompt=consent without a page', async () => {
      const app = await registerApp(stack, { firstParty: true });
      const { page, checks, configuration, person } = await atConsent(app, { prompt: 'consent' });
      expect(page.location, page.text.slice(0, 200)).to.match(/^https:\/\/app\.example\.test\/callback\?code=/);
      const tokens = await client.authorizationCodeGrant(configuration, new URL(page.location!), checks);
      expect(tokens.claims()?.sub).to.equal(person.id);
    });

    it('shows the app by its registered name, as text, and the scopes it asks for in plain words', async () => {
      const app = await registerApp(stack, { firstParty: false });
      const admin = { token: await stack.adminToken() };
      const named = await stack.server.api.registerService({ email: `named-${Date.now()}@apps.example.org`, name: 'Ops <b>Board</b> & co', groups: [] }, admin);
      await stack.server.api.setOidcClient(
        {
          clientId: named.client!.id,
          redirectUris: [app.redirectUri],
          postLogoutRedirectUris: [],
          publicClient: false,
          firstParty: false,
          scopes: ['openid', 'profile', 'email', 'groups'],
          grantTypes: ['authorization_code'],
        },
        admin,
      );
      const { page } = await atConsent({ id: named.client!.id, secret: named.clientSecret, redirectUri: app.redirectUri });
      expect(page.status).to.equal(200);
      expect(page.text).to.include('<h1>Allow Ops &lt;b>Board&lt;/b> &amp; co to use your account?</h1>');
      expect(page.text).to.not.include('<b>Board</b>');
      expect(page.text).to.include('your email address').and.include('your name').and.include('the groups you belong to');
      expect(page.text).to.include('name="decision" value="allow"').and.include('name="decision" value="deny"');
    });

    it('refuses a decision posted from another site, and gives no code; the same browser can still allow', async () => {
      const app = await registerApp(stack, { firstParty: false });
      const { browser, page, checks, configuration } = await atConsent(app);
      const action = /<form method="post" action="([^"]+)"/.exec(page.text)![1]!;
      const forged = await browser.walk(`${ISSUER}${action}`, {
        form: { decision: 'allow' },
        headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' },
      });
      expect(forged.status).to.equal(403);
      expect(forged.location).to.equal(null);
      const allowed = await browser.walk(`${ISSUER}${action}`, { form: { decision: 'allow' } });
      const tokens = await client.authorizationCodeGrant(configuration, new URL(allowed.location!), checks);
      expect(tokens.scope?.split(' ')).to.include.members(['openid', 'email']);
    });

    it('takes anything but Allow as no: access_denied at the redirect URI, with the state and no code', async () => {
      const app = await registerApp(stack, { firstParty: false });
      const { browser, page, checks } = await atConsent(app);
      const action = /<form method="post" action="([^"]+)"/.exec(page.text)![1]!;
      const ended = await browser.walk(`${ISSUER}${action}`, { form: { decision: 'maybe' } });
      const back = new URL(ended.location!);
      expect(`${back.origin}${back.pathname}`).to.equal(app.redirectUri);
      expect(back.searchParams.get('error')).to.equal('access_denied');
      expect(back.searchParams.get('state')).to.equal(checks.expectedState);
      expect(back.searchParams.get('code')).to.equal(null);
    });
  });
