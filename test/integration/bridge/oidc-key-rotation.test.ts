import { expect } from 'chai';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { eventually } from '../../support/eventually.js';
import { type OidcStack, registerServiceClient, startOidcStack } from '../../support/oidc-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`The OpenID Provider follows a rotation of the signing key (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      // A new key signs two seconds after it is published.
      stack = await startOidcStack(setup, this, 'oidc_key_rotation', { SIGNING_KEY_PUBLISH_AHEAD: '2s' });
    });
    after(async () => stack?.close());

    it('signs with the new key once it activates; tokens of both keys verify with the JWKS and ValidateToken', async () => {
      const service = await registerServiceClient(stack);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
      const before = (await client.clientCredentialsGrant(configuration)).access_token;
      const oldKid = decodeProtectedHeader(before).kid;

      const rotated = await stack.server.api.rotateSigningKey({}, { token: await stack.adminToken() });
      expect(rotated.kid).to.not.equal(oldKid);
      const after = await eventually(
        async () => {
          const token = (await client.clientCredentialsGrant(configuration)).access_token;
          return decodeProtectedHeader(token).kid === rotated.kid ? token : null;
        },
        { what: 'a token signed with the new key', timeoutMs: 15000, intervalMs: 200 },
      );

      const jwks = createLocalJWKSet((await (await stack.fetch(configuration.serverMetadata().jwks_uri!)).json()) as JSONWebKeySet);
      for (const token of [before, after]) {
        expect((await jwtVerify(token, jwks, { audience: 'client-auth', issuer: 'client-auth' })).payload.sub).to.equal(service.id);
        expect((await stack.server.api.validateToken({ token })).clientId).to.equal(service.id);
      }
    });
  });
