/**
 * The pages the OpenID Provider renders itself (its error page, the end-session
 * confirmation, the signed-out page) are the hosted pages': our layout and stylesheet, the
 * reader's language, the pages' security headers, none of the library's markup; the error
 * page says the OAuth error code and nothing internal.
 */
import { expect } from 'chai';
import * as client from 'openid-client';
import { ISSUER, OidcBrowser, type OidcStack, signedInToApp, startOidcStack } from '../../support/oidc-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

const HTML = { Accept: 'text/html,application/xhtml+xml' };

/** The marks of a page of ours, whatever it says: our stylesheet, no inline style or script, no web font from elsewhere. */
function expectOurPage(answer: { text: string; headers: Headers }, lang: 'en' | 'de') {
  expect(answer.text).to.match(/^<!doctype html><html lang="(en|de)">/);
  expect(answer.text).to.include(`<html lang="${lang}">`);
  expect(answer.text).to.match(/<link rel="stylesheet" href="\/assets\/pages\.[^"]+\.css"/);
  expect(answer.text).to.not.match(/<style|<script|googleapis|op\.logoutForm|oops! something went wrong/);
  const policy = answer.headers.get('Content-Security-Policy') ?? '';
  expect(policy).to.include("default-src 'self'").and.include("frame-ancestors 'none'").and.include("script-src 'self'");
  expect(answer.headers.get('X-Frame-Options')).to.equal('DENY');
}

for (const setup of SETUPS)
  describe(`The OpenID Provider's own pages are the hosted pages' (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_provider_pages');
    });
    after(async () => stack?.close());

    it('answers an authorization it cannot send back to any app with our error page: status, language, the OAuth error code and no internals', async () => {
      for (const lang of ['en', 'de'] as const) {
        const answer = await stack.fetch(
          `${ISSUER}/oidc/authorize?client_id=no-such-client&response_type=code&scope=openid&redirect_uri=https://evil.example/cb`,
          {
            headers: { ...HTML, 'Accept-Language': lang },
            redirect: 'manual',
          },
        );
        const text = await answer.text();
        expect(answer.status).to.equal(400);
        expectOurPage({ text, headers: answer.headers }, lang);
        expect(text).to.include('invalid_client');
        expect(text, 'nothing the request carried').to.not.include('evil.example');
        expect(text).to.not.include('no-such-client');
      }
    });

    it('asks at RP-initiated logout on our page, whose form may end at the app’s post-logout origin; then shows our signed-out page', async () => {
      const { configuration, tokens, browser } = await signedInToApp(stack);
      const withReturn = client.buildEndSessionUrl(configuration, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: 'https://app.example.test/signed-out',
      });
      const confirm = await browser.walk(withReturn.href, { headers: { 'Accept-Language': 'de' } });
      expect(confirm.status).to.equal(200);
      expectOurPage(confirm, 'de');
      expect(confirm.text)
        .to.match(/action="[^"]*\/oidc\/logout\/confirm"/)
        .and.include('name="logout" value="yes"');
      expect(confirm.headers.get('Content-Security-Policy')).to.match(/form-action 'self' https:\/\/app\.example\.test(;|$)/);

      // Without a post-logout URI the provider ends at its own signed-out page.
      const bare = await browser.walk(client.buildEndSessionUrl(configuration, { id_token_hint: tokens.id_token! }).href);
      expectOurPage(bare, 'en');
      expect(bare.headers.get('Content-Security-Policy')).to.match(/form-action 'self' https:\/\/app\.example\.test(;|$)/);
      const done = await browser.walk(`${ISSUER}/oidc/logout/confirm`, { form: { ...OidcBrowser.hiddenFields(bare.text), logout: 'yes' } });
      expect(new URL(done.url).pathname).to.equal('/oidc/logout/success');
      expect(done.status).to.equal(200);
      expectOurPage(done, 'en');
      expect(done.text).to.match(/<h1>You are signed out<\/h1>/);
    });
  });
