/**
 * The Content-Security-Policy of the pages in an OpenID Provider interaction: Chromium
 * holds the redirects after a form's post to the posting page's form-action, and a sign-in
 * or a consent in an interaction ends at the client's redirect URI. Those pages list that
 * client's registered redirect origins, and only its; every other page's policy is as it was.
 */
import { expect } from 'chai';
import * as client from 'openid-client';
import { PASSWORD, registerUser } from '../../support/factor-fixture.js';
import { authorization, ISSUER, OidcBrowser, type OidcStack, registerApp, startOidcStack } from '../../support/oidc-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

/** The policy's form-action sources, in order. */
function formAction(policy: string | null): string[] {
  const directive = (policy ?? '')
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('form-action '));
  return directive?.split(' ').slice(1) ?? [];
}

/** The policy with its form-action left out: what must not change from page to page. */
function withoutFormAction(policy: string | null): string {
  return (policy ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => !part.startsWith('form-action '))
    .join('; ');
}

for (const setup of SETUPS)
  describe(`The pages' policy in an OpenID Provider interaction (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    /** The policy of the sign-in page outside any interaction. */
    let plain: string;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_page_policy');
      plain = (await stack.fetch(`${ISSUER}/sign-in`)).headers.get('Content-Security-Policy')!;
    });
    after(async () => stack?.close());

    /** An app's authorization in a fresh browser, up to the page it shows first. */
    async function startAt(app: { id: string; secret: string; redirectUri: string }) {
      const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
      const browser = new OidcBrowser(stack);
      return { browser, page: await browser.walk((await authorization(configuration, app.redirectUri)).url) };
    }

    it("keeps every other page's form-action to the bridge and the return origins", async () => {
      expect(formAction(plain)).to.deep.equal(["'self'"]);
      for (const path of ['/sign-up', '/forgot-password', '/sign-in?return_to=%2Faccount', '/sign-in?return_to=%2Foidc%2Finteraction%2Fno-such-interaction']) {
        const policy = (await stack.fetch(`${ISSUER}${path}`)).headers.get('Content-Security-Policy');
        expect(policy, path).to.equal(plain);
      }
    });

    it("lists exactly the redirect origins of the interaction's client on its sign-in page, also when the sign-in fails", async () => {
      const app = await registerApp(stack, { redirectUri: 'https://app-a.example.test/callback' });
      await registerApp(stack, { redirectUri: 'https://app-b.example.test/callback' });
      const { browser, page } = await startAt(app);
      expect(page.url).to.match(/\/sign-in\?return_to=%2Foidc%2Finteraction%2F/);
      const policy = page.headers.get('Content-Security-Policy');
      expect(formAction(policy)).to.deep.equal(["'self'", 'https://app-a.example.test']);
      expect(withoutFormAction(policy)).to.equal(withoutFormAction(plain));

      const returnTo = new URL(page.url).searchParams.get('return_to')!;
      const failed = await browser.walk(`${ISSUER}/sign-in`, { form: { email: 'nobody@example.org', password: 'not it at all', return_to: returnTo } });
      expect(failed.status).to.equal(401);
      expect(formAction(failed.headers.get('Content-Security-Policy'))).to.deep.equal(["'self'", 'https://app-a.example.test']);
    });

    it('lists them on the sign-up page the sign-in links to, which can sign the new person in and back to the app', async () => {
      const app = await registerApp(stack, { redirectUri: 'https://app-d.example.test/callback' });
      const { page } = await startAt(app);
      const returnTo = new URL(page.url).searchParams.get('return_to')!;
      const signUp = await stack.fetch(`${ISSUER}/sign-up?return_to=${encodeURIComponent(returnTo)}`);
      expect(formAction(signUp.headers.get('Content-Security-Policy'))).to.deep.equal(["'self'", 'https://app-d.example.test']);
      const refused = await stack.fetch(`${ISSUER}/sign-up`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
        body: new URLSearchParams({ email: '', password: '', return_to: returnTo }).toString(),
      });
      expect(refused.status).to.equal(400);
      expect(formAction(refused.headers.get('Content-Security-Policy'))).to.deep.equal(["'self'", 'https://app-d.example.test']);
    });

    it("lists exactly the redirect origins of the interaction's client on its consent page", async () => {
      const app = await registerApp(stack, { redirectUri: 'https://app-c.example.test/callback', firstParty: false });
      const person = await registerUser(stack.server, 'oidc-policy');
      const { browser, page } = await startAt(app);
      const returnTo = new URL(page.url).searchParams.get('return_to')!;
      const consent = await browser.walk(`${ISSUER}/sign-in`, { form: { email: person.email, password: PASSWORD, return_to: returnTo } });
      expect(consent.status).to.equal(200);
      expect(new URL(consent.url).pathname).to.match(/^\/oidc\/interaction\/[^/]+$/);
      const policy = consent.headers.get('Content-Security-Policy');
      expect(formAction(policy)).to.deep.equal(["'self'", 'https://app-c.example.test']);
      expect(withoutFormAction(policy)).to.equal(withoutFormAction(plain));
    });
  });
