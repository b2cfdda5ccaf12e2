import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { eventually } from '../../support/eventually.js';
import { enrolTotp, PASSWORD, registerUser } from '../../support/factor-fixture.js';
import {
  authorization,
  ISSUER,
  OidcBrowser,
  type OidcStack,
  oauthErrorOf,
  registerApp,
  signedInToApp,
  signIn,
  startOidcStack,
} from '../../support/oidc-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`The authorization code flow with PKCE at the OpenID Provider (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_code_flow');
    });
    after(async () => stack?.close());

    it('signs a person in through the hosted sign-in and gives an ID token openid-client verifies, an access token ValidateToken and GET /auth accept, and userinfo', async () => {
      const app = await registerApp(stack);
      const person = await registerUser(stack.server, 'oidc');
      const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
      const { url, checks } = await authorization(configuration, app.redirectUri);
      const browser = new OidcBrowser(stack);
      const ended = await signIn(browser, await browser.walk(url), person.email);
      expect(ended.location).to.match(/^https:\/\/app\.example\.test\/callback\?code=/);

      const tokens = await client.authorizationCodeGrant(configuration, new URL(ended.location!), checks);
      const idToken = tokens.claims()!;
      expect(idToken).to.include({ iss: ISSUER, sub: person.id, aud: app.id, acr: 'urn:client-auth:acr:1fa' });
      expect(idToken['amr']).to.deep.equal(['pwd']);
      expect(tokens.refresh_token).to.be.a('string');

      const principal = await stack.server.api.validateToken({ token: tokens.access_token });
      expect(principal.clientId).to.equal(person.id);
      expect(decodeJwt(tokens.access_token)).to.include({ client_id: app.id, kind: 'user' });
      const gateway = await fetch(`${stack.bridge.url}/auth`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      expect(gateway.status).to.equal(200);
      expect(gateway.headers.get('X-Client-Id')).to.equal(person.id);

      const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, person.id);
      expect(userinfo).to.include({ sub: person.id, email: person.email, email_verified: false, given_name: 'Ada' });
      expect(userinfo['groups']).to.deep.equal(['user']);
    });

    it("gives an app no say over client-auth itself: an admin's access token issued to an app is refused by every RPC but ValidateToken", async () => {
      const app = await registerApp(stack);
      const person = await registerUser(stack.server, 'oidc-admin');
      const adminToken = await stack.adminToken();
      await stack.server.api.setClientGroups({ clientId: person.id, groups: ['user', 'admin'] }, { token: adminToken });
      const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
      const { url, checks } = await authorization(configuration, app.redirectUri);
      const browser = new OidcBrowser(stack);
      const ended = await signIn(browser, await browser.walk(url), person.email);
      const { access_token: token } = await client.authorizationCodeGrant(configuration, new URL(ended.location!), checks);
      expect((await stack.server.api.validateToken({ token })).groups).to.include('admin');

      const victim = await registerUser(stack.server, 'oidc-victim');
      const refused = { code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' };
      expect(await failure(stack.server.api.listClients({ pageSize: 10, pageToken: '', kind: 0, emailPrefix: '' }, { token }))).to.include(refused);
      expect(await failure(stack.server.api.suspendClient({ clientId: victim.id, reason: 'an app said so' }, { token }))).to.include(refused);
      expect(await failure(stack.server.api.getMe({}, { token }))).to.include(refused);
      const me = await fetch(`${stack.bridge.url}/me`, { headers: { Authorization: `Bearer ${token}` } });
      expect(me.status).to.equal(401);
      expect((await stack.server.store.client(victim.id))!.suspended).to.equal(false);
    });

    it('reflects the second factor in acr and amr when the person signs in with TOTP', async () => {
      const app = await registerApp(stack);
      const person = await registerUser(stack.server, 'oidc-totp');
      const { secret } = await enrolTotp(stack.server, (await stack.server.api.login({ email: person.email, password: PASSWORD })).accessToken);
      const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
      const { url, checks } = await authorization(configuration, app.redirectUri);
      const browser = new OidcBrowser(stack);
      const ended = await signIn(browser, await browser.walk(url), person.email, secret);
      expect(ended.location, `${ended.status} ${ended.url} ${ended.text.slice(0, 1500)}`).to.be.a('string');
      const tokens = await client.authorizationCodeGrant(configuration, new URL(ended.location!), checks);
      expect(tokens.claims()).to.include({ acr: 'urn:client-auth:acr:2fa' });
      expect(tokens.claims()!['amr']).to.include.members(['pwd', 'otp']);
    });

    it('rotates refresh tokens, and a refresh token used twice revokes the grant', async () => {
      const app = await registerApp(stack);
      const person = await registerUser(stack.server, 'oidc-refresh');
      const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
      const { url, checks } = await authorization(configuration, app.redirectUri);
      const browser = new OidcBrowser(stack);
      const tokens = await client.authorizationCodeGrant(
        configuration,
        new URL((await signIn(browser, await browser.walk(url), person.email)).location!),
        checks,
      );
      const refreshed = await client.refreshTokenGrant(configuration, tokens.refresh_token!);
      expect(refreshed.refresh_token).to.be.a('string').and.not.equal(tokens.refresh_token);
      expect((await stack.server.api.validateToken({ token: refreshed.access_token })).clientId).to.equal(person.id);
      expect(await oauthErrorOf(client.refreshTokenGrant(configuration, tokens.refresh_token!))).to.equal('invalid_grant');
      expect(await oauthErrorOf(client.refreshTokenGrant(configuration, refreshed.refresh_token!))).to.equal('invalid_grant');
    });

    it('signs an already signed-in browser in without the form, and asks again for prompt=login', async () => {
      const app = await registerApp(stack);
      const person = await registerUser(stack.server, 'oidc-prompt');
      const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
      const browser = new OidcBrowser(stack);
      const first = await authorization(configuration, app.redirectUri);
      await signIn(browser, await browser.walk(first.url), person.email);
      const again = await authorization(configuration, app.redirectUri);
      expect((await browser.walk(again.url)).location).to.match(/^https:\/\/app\.example\.test\/callback\?code=/);
      const forced = await authorization(configuration, app.redirectUri, { prompt: 'login' });
      const page = await browser.walk(forced.url);
      expect(page.url, `${page.status} ${page.text.slice(0, 600)}`).to.match(/\/sign-in\?return_to=/);
      expect((await signIn(browser, page, person.email)).location).to.match(/^https:\/\/app\.example\.test\/callback\?code=/);
    });

    it('refuses a redirect URI not registered exactly, and a public client without PKCE or with plain PKCE', async () => {
      const app = await registerApp(stack);
      const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
      const wrong = await authorization(configuration, `${app.redirectUri}/extra`);
      const refused = await new OidcBrowser(stack).walk(wrong.url);
      expect(refused.status).to.equal(400);
      expect(refused.location).to.equal(null);
      expect(refused.text).to.include('redirect_uri');

      const spa = await registerApp(stack, { publicClient: true });
      const spaConfiguration = await stack.discover(spa.id, undefined, client.None());
      for (const pkce of [{}, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }] as Record<string, string>[]) {
        const url = client.buildAuthorizationUrl(spaConfiguration, { redirect_uri: spa.redirectUri, scope: 'openid', state: 's', ...pkce });
        const answer = await new OidcBrowser(stack).walk(url.href);
        const error = answer.location === null ? answer.text : new URL(answer.location).searchParams.get('error');
        expect(error, JSON.stringify(pkce)).to.match(/invalid_request/);
      }
    });

    it('signs the browser out of the app and of client-auth at RP-initiated logout, back to the registered post-logout URI', async () => {
      const { configuration, tokens, browser } = await signedInToApp(stack);
      const session = browser.cookie('token');
      expect(session).to.be.a('string');
      const end = client.buildEndSessionUrl(configuration, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: 'https://app.example.test/signed-out',
        state: 'bye',
      });
      const confirm = await browser.walk(end.href);
      expect(confirm.status).to.equal(200);
      expect(confirm.text).to.not.include('googleapis');
      const done = await browser.walk(`${ISSUER}/oidc/logout/confirm`, { form: { ...OidcBrowser.hiddenFields(confirm.text), logout: 'yes' } });
      expect(done.location).to.equal('https://app.example.test/signed-out?state=bye');
      expect(browser.cookie('token')).to.equal(undefined);
      await eventually(
        async () => (await failure(stack.server.api.validateToken({ token: session! })).catch(() => null))?.reason === 'SESSION_REVOKED' || null,
        {
          what: "the browser's client-auth session ended",
        },
      );
    });
  });
