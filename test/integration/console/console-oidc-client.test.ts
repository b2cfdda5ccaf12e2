/**
 * The console's page for a service client's OpenID Connect settings (SetOidcClient) over
 * HTTP, on both set-ups: what an admin sees, what a save stores, the service's refusals
 * shown in its own words with their status, and the re-authentication before a save once
 * the admin's sign-in is older than ADMIN_REAUTH_MIN.
 */
import { expect } from 'chai';
import type { PageBrowser } from '../../support/page-browser.js';
import { expectPageHeaders, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';
import { adminToken, newAdmin, PASSWORD, signedInBrowser } from './console-fixture.js';

/** A form a confidential first-party web app would post. */
const WEB_APP = {
  redirect_uris: 'https://app.example.com/callback\nhttp://127.0.0.1:8080/callback',
  post_logout_redirect_uris: 'https://app.example.com/signed-out',
  client_type: 'confidential',
  first_party: 'yes',
  scope_openid: 'yes',
  scope_email: 'yes',
  scope_offline_access: 'yes',
  grant_authorization_code: 'yes',
  grant_refresh_token: 'yes',
};

for (const setup of SETUPS)
  describe(`The console's OpenID Connect page of a service client, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;
    let browser: PageBrowser;
    let counter = 0;

    before(async function () {
      stack = await startPageStack(setup, this, 'console_oidc');
      const admin = await newAdmin(stack);
      browser = await signedInBrowser(stack, admin.email);
    });
    after(() => stack?.close());

    const newService = async () => {
      const { client } = await stack.server.api.registerService(
        { email: `oidc-page${++counter}.${Date.now()}@example.com`, name: `App ${counter}`, groups: [] },
        { token: await adminToken(stack) },
      );
      return client!.id;
    };
    const stored = async (clientId: string) => (await stack.server.api.getOidcClient({ clientId }, { token: await adminToken(stack) })).oidcClient;

    it('is linked from the service clients, and says a service without settings uses client credentials only', async () => {
      const id = await newService();
      const list = await browser.get('/admin/services');
      expect(list.text).to.contain(`href="/admin/services/${id}/oidc"`);
      const page = await browser.get(`/admin/services/${id}/oidc`);
      expect(page.status).to.equal(200);
      expectPageHeaders(page.headers, 'GET /admin/services/:id/oidc');
      expect(page.text).to.contain('client credentials only');
    });

    it('stores valid settings through SetOidcClient and shows them', async () => {
      const id = await newService();
      const saved = await browser.post(`/admin/services/${id}/oidc`, WEB_APP);
      expect(saved.status).to.equal(303);
      expect(saved.headers.get('location')).to.equal(`/admin/services/${id}/oidc?saved=1`);
      const settings = (await stored(id))!;
      expect(settings).to.include({ clientId: id, publicClient: false, firstParty: true });
      expect(settings.redirectUris).to.deep.equal(['https://app.example.com/callback', 'http://127.0.0.1:8080/callback']);
      expect(settings.postLogoutRedirectUris).to.deep.equal(['https://app.example.com/signed-out']);
      expect(settings.scopes).to.have.members(['openid', 'email', 'offline_access']);
      expect(settings.grantTypes).to.have.members(['authorization_code', 'refresh_token']);

      const page = await browser.get(`/admin/services/${id}/oidc?saved=1`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('role="status"');
      expect(page.text).to.contain('https://app.example.com/callback\nhttp://127.0.0.1:8080/callback');
      expect(page.text).to.match(/name="scope_email" value="yes" checked/);
      expect(page.text).to.not.match(/name="scope_profile" value="yes" checked/);
      expect(page.text).to.match(/<option value="confidential" selected/);
      expect(page.text).to.match(/name="grant_refresh_token" value="yes" checked/);
    });

    for (const [what, uri, words] of [
      ['a wildcard', 'https://*.example.com/callback', 'has a wildcard'],
      ['http off loopback', 'http://app.example.com/callback', 'must be https'],
      ['a fragment', 'https://app.example.com/callback#top', 'has a fragment'],
    ] as const) {
      it(`refuses a redirect URI with ${what} with the service's reason, and stores nothing`, async () => {
        const id = await newService();
        const refused = await browser.post(`/admin/services/${id}/oidc`, { ...WEB_APP, redirect_uris: uri });
        expect(refused.status).to.equal(400);
        expect(refused.text).to.contain(words).and.contain('href="#redirect_uris"');
        // What was typed stays in the form.
        expect(refused.text).to.contain(uri);
        expect(await stored(id)).to.equal(undefined);
      });
    }

    it('refuses a person, with the service’s reason', async () => {
      const person = await registerPerson(stack.server);
      const refused = await browser.post(`/admin/services/${person.id}/oidc`, WEB_APP);
      expect(refused.status).to.equal(400);
      expect(refused.text).to.contain('That is a person, not a service client.');
    });

    it('asks for the password again once the sign-in is older than ADMIN_REAUTH_MIN, then saves without asking for the fields again', async () => {
      const id = await newService();
      const late = await newAdmin(stack);
      const lateBrowser = await signedInBrowser(stack, late.email);
      await stack.server.store.backdateSessionsOf(late.id, 16 * 60_000);
      const asked = await lateBrowser.post(`/admin/services/${id}/oidc`, WEB_APP);
      expect(asked.status).to.equal(200);
      expect(asked.text).to.contain('Confirm it is you').and.contain('value="https://app.example.com/signed-out"');
      expect(await stored(id)).to.equal(undefined);
      const done = await lateBrowser.post(`/admin/services/${id}/oidc`, { ...WEB_APP, reauth_password: PASSWORD });
      expect(done.status).to.equal(303);
      expect((await stored(id))?.redirectUris).to.deep.equal(['https://app.example.com/callback', 'http://127.0.0.1:8080/callback']);
    });
  });
