/**
 * Authorization codes the token endpoint refuses: one used a second time (and then the grant
 * it opened is revoked: what the first exchange gave stops working everywhere, our own token
 * check included), and one past its lifetime. The codes come from a real sign-in through the
 * hosted pages, posted as a browser posts them (test/support/oidc-sign-in.ts).
 */
import { expect } from 'chai';
import * as client from 'openid-client';
import { PASSWORD, registerUser } from '../../support/factor-fixture.js';
import { authorizeUrl, discoverAt, loopbackIssuer, pkcePair, type RegisteredRp, registerRp } from '../../support/oidc-clients.js';
import { type OidcStack, oauthErrorOf, startOidcStack } from '../../support/oidc-fixture.js';
import { CookieJar, followToRedirect } from '../../support/oidc-sign-in.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

for (const setup of SETUPS)
  describe(`Authorization codes the OpenID Provider refuses (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    let rp: RegisteredRp;
    let configuration: client.Configuration;

    before(async function () {
      const { issuer, bridgeEnv } = await loopbackIssuer();
      stack = await startOidcStack(setup, this, 'oidc_codes', {}, bridgeEnv);
      rp = await registerRp(stack, { redirectUri: REDIRECT, scopes: ['openid', 'email', 'offline_access'] });
      configuration = await discoverAt(issuer, rp);
    });
    after(async () => stack?.close());

    /** A person signs in for `rp`; returns the code and its PKCE verifier. */
    const codeOfSignIn = async () => {
      const person = await registerUser(stack.server, 'oidc-code');
      const { verifier, challenge } = pkcePair();
      const url = authorizeUrl(stack.bridge.url, rp, {
        scope: 'openid email offline_access',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const back = await followToRedirect(url, REDIRECT, new CookieJar(), { email: person.email, password: PASSWORD });
      const code = back.searchParams.get('code');
      expect(code, back.href).to.be.a('string');
      return { code: code!, verifier, person };
    };

    const exchange = (code: string, verifier: string) =>
      fetch(`${stack.bridge.url}/oidc/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${rp.id}:${rp.secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }),
      });

    it('a code used twice: invalid_grant, and the grant is revoked, so the first exchange’s tokens stop working at the provider and at our token check', async () => {
      const { code, verifier, person } = await codeOfSignIn();
      const first = await exchange(code, verifier);
      expect(first.status).to.equal(200);
      const tokens = (await first.json()) as { access_token: string; refresh_token: string };
      expect((await stack.server.api.validateToken({ token: tokens.access_token })).clientId).to.equal(person.id);

      const again = await exchange(code, verifier);
      expect(again.status).to.equal(400);
      expect(((await again.json()) as { error: string }).error).to.equal('invalid_grant');

      expect(await oauthErrorOf(client.refreshTokenGrant(configuration, tokens.refresh_token))).to.equal('invalid_grant');
      expect((await client.tokenIntrospection(configuration, tokens.access_token)).active).to.equal(false);
      const userinfo = await fetch(`${stack.bridge.url}/oidc/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      expect(userinfo.status).to.equal(401);
      expect((await failure(stack.server.api.validateToken({ token: tokens.access_token }))).reason).to.equal('SESSION_REVOKED');
      expect((await fetch(`${stack.bridge.url}/auth`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).to.equal(401);
    });

    it('a code with a PKCE verifier other than the one it was asked with: invalid_grant', async () => {
      const { code } = await codeOfSignIn();
      const wrong = await exchange(code, pkcePair().verifier);
      expect(wrong.status).to.equal(400);
      expect(((await wrong.json()) as { error: string }).error).to.equal('invalid_grant');
    });

    it('a code past its lifetime: invalid_grant, nothing issued', async () => {
      const { code, verifier } = await codeOfSignIn();
      // Its lifetime is a minute: moved into the past where it is stored, as waiting would.
      const store = stack.server.app.adapters.oidc;
      const stored = await store.find('AuthorizationCode', code, new Date());
      expect(stored, 'the code as stored').to.not.equal(null);
      const past = Math.floor(Date.now() / 1000) - 5;
      await store.upsert({ ...stored!, expiresAt: new Date(past * 1000), payload: { ...stored!.payload, exp: past } });
      const late = await exchange(code, verifier);
      expect(late.status).to.equal(400);
      expect(((await late.json()) as { error: string }).error).to.equal('invalid_grant');
    });
  });
