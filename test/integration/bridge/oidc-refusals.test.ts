/**
 * What the OpenID Provider refuses, asked over HTTP as a relying party (or an attacker)
 * would: redirect URIs it was not given, public clients without S256 PKCE, secrets of
 * another client, deleted clients, and tokens signed with `none` or with HS256 keyed by our
 * public key. Codes used twice and expired codes need a sign-in: oidc-code-refusals.test.ts.
 */
import { expect } from 'chai';
import { decodeJwt, decodeProtectedHeader, exportSPKI, importJWK, SignJWT, UnsecuredJWT } from 'jose';
import * as client from 'openid-client';
import { authorizeUrl, pkcePair, registerRp } from '../../support/oidc-clients.js';
import { ISSUER, type OidcStack, oauthErrorOf, registerServiceClient, startOidcStack } from '../../support/oidc-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

/** An answer as a browser gets it, without following the redirect. */
async function visit(url: string): Promise<{ status: number; location: URL | null; text: string }> {
  const answer = await fetch(url, { redirect: 'manual' });
  const location = answer.headers.get('Location');
  return { status: answer.status, location: location === null ? null : new URL(location, url), text: await answer.text() };
}

for (const setup of SETUPS)
  describe(`The OpenID Provider refuses (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_refusals');
    });
    after(async () => stack?.close());

    it('a redirect URI the client was not registered with: an error page, never a redirect there', async () => {
      const rp = await registerRp(stack, { redirectUri: REDIRECT });
      const { challenge } = pkcePair();
      for (const redirectUri of [
        'http://127.0.0.1:9/callback/other',
        'http://127.0.0.1:9/callback?next=/',
        'https://evil.example/callback',
        'http://127.0.0.1:10/callback',
      ]) {
        const answer = await visit(authorizeUrl(stack.bridge.url, rp, { redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' }));
        expect(answer.status, redirectUri).to.equal(400);
        expect(answer.location, redirectUri).to.equal(null);
        expect(answer.text, redirectUri).to.contain('invalid_redirect_uri');
      }
      // The registered one is accepted: the request goes on to the sign-in.
      const accepted = await visit(authorizeUrl(stack.bridge.url, rp, { code_challenge: challenge, code_challenge_method: 'S256' }));
      expect(accepted.status).to.be.within(300, 399);
      expect(accepted.location?.href).to.not.contain('error=');
    });

    it("a public client's authorization request without PKCE, or with the plain method: invalid_request at its redirect URI, no code", async () => {
      const rp = await registerRp(stack, { redirectUri: REDIRECT, publicClient: true });
      const { verifier, challenge } = pkcePair();
      for (const [label, pkce] of [
        ['without PKCE', {}],
        ['with plain', { code_challenge: verifier, code_challenge_method: 'plain' }],
        ['with plain as the default method', { code_challenge: verifier }],
      ] as const) {
        const answer = await visit(authorizeUrl(stack.bridge.url, rp, pkce));
        expect(answer.status, label).to.equal(303);
        expect(`${answer.location!.origin}${answer.location!.pathname}`, label).to.equal(REDIRECT);
        expect(answer.location!.searchParams.get('error'), label).to.equal('invalid_request');
        expect(answer.location!.searchParams.get('code'), label).to.equal(null);
      }
      const withS256 = await visit(authorizeUrl(stack.bridge.url, rp, { code_challenge: challenge, code_challenge_method: 'S256' }));
      expect(withS256.location?.href).to.not.contain('error=');
    });

    it("a code exchange authenticated with another client's secret: invalid_client, before the code is even looked at", async () => {
      const rp = await registerRp(stack, { redirectUri: REDIRECT });
      const other = await registerRp(stack, { redirectUri: 'http://127.0.0.1:9/other' });
      const exchange = (secret: string) =>
        fetch(`${stack.bridge.url}/oidc/token`, {
          method: 'POST',
          headers: { Authorization: `Basic ${Buffer.from(`${rp.id}:${secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: 'a-code-nobody-was-given',
            redirect_uri: REDIRECT,
            code_verifier: pkcePair().verifier,
          }),
        });
      const refused = await exchange(other.secret);
      expect(refused.status).to.equal(401);
      expect(((await refused.json()) as { error: string }).error).to.equal('invalid_client');
      // With its own secret the client is authenticated, and only the unknown code is refused.
      const ownSecret = await exchange(rp.secret);
      expect(ownSecret.status).to.equal(400);
      expect(((await ownSecret.json()) as { error: string }).error).to.equal('invalid_grant');
    });

    it('a deleted service client: no new token, and the one it had is refused by ValidateToken and GET /auth', async () => {
      const service = await registerServiceClient(stack);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
      const before = await client.clientCredentialsGrant(configuration);
      expect((await stack.server.api.validateToken({ token: before.access_token })).clientId).to.equal(service.id);
      await stack.server.api.deleteClient({ clientId: service.id }, { token: await stack.adminToken() });
      expect(await oauthErrorOf(client.clientCredentialsGrant(configuration))).to.equal('invalid_client');
      expect((await failure(stack.server.api.validateToken({ token: before.access_token }))).reason).to.be.oneOf(['CLIENT_DELETED', 'SESSION_REVOKED']);
      const gateway = await fetch(`${stack.bridge.url}/auth`, { headers: { Authorization: `Bearer ${before.access_token}` } });
      expect(gateway.status).to.equal(401);
    });

    describe('tokens signed with alg none, or with HS256 keyed by our public key', () => {
      let genuine: string;
      let forgeries: Array<[string, string]>;
      let rp: Awaited<ReturnType<typeof registerRp>>;
      /** Our signing key's id, and its public key as PEM and as JWK text: what an attacker has. */
      let publicKey: { kid: string; pem: string; jwk: string };

      before(async () => {
        const service = await registerServiceClient(stack);
        genuine = (await client.clientCredentialsGrant(await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret))))
          .access_token;
        rp = await registerRp(stack, { redirectUri: REDIRECT });
        const jwks = (await (await fetch(`${stack.bridge.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, string>> };
        const kid = decodeProtectedHeader(genuine).kid!;
        const jwk = jwks.keys.find((key) => key.kid === kid)!;
        publicKey = { kid, pem: await exportSPKI((await importJWK(jwk, jwk['alg'])) as CryptoKey), jwk: JSON.stringify(jwk) };
        forgeries = await forge(decodeJwt(genuine), publicKey);
      });

      it('are refused by ValidateToken and GET /auth, which accept the genuine token they copy', async () => {
        expect((await stack.server.api.validateToken({ token: genuine })).kind).to.be.a('number');
        for (const [label, token] of forgeries) {
          expect((await failure(stack.server.api.validateToken({ token }))).reason, label).to.equal('TOKEN_INVALID');
          expect((await fetch(`${stack.bridge.url}/auth`, { headers: { Authorization: `Bearer ${token}` } })).status, label).to.equal(401);
        }
      });

      it('are refused as an id_token_hint at RP-initiated logout', async () => {
        const idClaims = { iss: ISSUER, aud: rp.id, sub: 'someone', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 };
        for (const [label, hint] of await forge(idClaims, publicKey)) {
          const url = new URL('/oidc/logout', stack.bridge.url);
          url.search = new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: rp.postLogoutRedirectUri, client_id: rp.id }).toString();
          const answer = await visit(url.href);
          expect(answer.status, label).to.equal(400);
          expect(answer.location, label).to.equal(null);
          expect(answer.text, label).to.match(/invalid_request|id_token_hint/);
        }
      });

      it('are refused as a request object in an authorization request, with no code issued', async () => {
        const { challenge } = pkcePair();
        const requestClaims = {
          iss: rp.id,
          aud: ISSUER,
          client_id: rp.id,
          response_type: 'code',
          redirect_uri: REDIRECT,
          scope: 'openid',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        };
        for (const [label, request] of await forge(requestClaims, publicKey)) {
          const answer = await visit(authorizeUrl(stack.bridge.url, rp, { request, code_challenge: challenge, code_challenge_method: 'S256' }));
          expect(answer.location, label).to.not.equal(null);
          expect(answer.location!.searchParams.get('error'), label).to.be.oneOf(['request_not_supported', 'invalid_request_object']);
          expect(answer.location!.searchParams.get('code'), label).to.equal(null);
        }
      });

      it('are never what discovery offers to sign or accept', async () => {
        const metadata = (await (await fetch(`${stack.bridge.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
        for (const [name, value] of Object.entries(metadata)) {
          if (!name.endsWith('_alg_values_supported')) continue;
          expect(value as string[], name).to.not.include('none');
          expect(
            (value as string[]).filter((alg) => alg.startsWith('HS')),
            name,
          ).to.deep.equal([]);
        }
      });
    });
  });

/** `claims` signed with alg none, and with HS256 keyed by the public key (its PEM, its JWK), under its kid. */
async function forge(claims: Record<string, unknown>, publicKey: { kid: string; pem: string; jwk: string }): Promise<Array<[string, string]>> {
  const { kid } = publicKey;
  const hs256 = (secret: string) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
  const none = new UnsecuredJWT(claims).encode();
  return [
    ['alg none', none],
    ['HS256 keyed by the public key in PEM', await hs256(publicKey.pem)],
    ['HS256 keyed by the public JWK', await hs256(publicKey.jwk)],
  ];
}
