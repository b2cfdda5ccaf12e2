import { expect } from 'chai';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { RevocationWatcher } from '../../../src/sdk/revocation-watcher.js';
import { eventually } from '../../support/eventually.js';
import { type OidcStack, registerServiceClient, signedInToApp, startOidcStack } from '../../support/oidc-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`Revoking an access token at the OpenID Provider (RFC 7009) (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_access_revocation');
    });
    after(async () => stack?.close());

    const gatewayStatus = async (token: string) => (await fetch(`${stack.bridge.url}/auth`, { headers: { Authorization: `Bearer ${token}` } })).status;
    const reasonOf = async (token: string) => (await failure(stack.server.api.validateToken({ token }))).reason;

    it("refuses a person's access token the app revoked, everywhere a token is checked, and leaves the app's refresh token working", async () => {
      const { configuration, tokens } = await signedInToApp(stack);
      expect(await gatewayStatus(tokens.access_token)).to.equal(200);
      await client.tokenRevocation(configuration, tokens.access_token, { token_type_hint: 'access_token' });
      expect(await reasonOf(tokens.access_token)).to.equal('TOKEN_REVOKED');
      expect(await gatewayStatus(tokens.access_token)).to.equal(401);
      expect(await client.tokenIntrospection(configuration, tokens.access_token)).to.deep.equal({ active: false });

      // Only that token: the grant goes on, and the next access token is accepted.
      const refreshed = await client.refreshTokenGrant(configuration, tokens.refresh_token!);
      expect(await gatewayStatus(refreshed.access_token)).to.equal(200);
      expect(await client.tokenIntrospection(configuration, refreshed.access_token)).to.include({ active: true });
    });

    it("refuses a service's client-credentials token it revoked, and not its next one", async () => {
      const service = await registerServiceClient(stack);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
      const revoked = (await client.clientCredentialsGrant(configuration)).access_token;
      const kept = (await client.clientCredentialsGrant(configuration)).access_token;
      await client.tokenRevocation(configuration, revoked);
      expect(await reasonOf(revoked)).to.equal('TOKEN_REVOKED');
      expect(await gatewayStatus(revoked)).to.equal(401);
      expect(await client.tokenIntrospection(configuration, revoked)).to.deep.equal({ active: false });
      expect((await stack.server.api.validateToken({ token: kept })).clientId).to.equal(service.id);
      expect(await gatewayStatus(kept)).to.equal(200);
    });

    it('tells a gateway that verifies tokens itself (RevocationWatcher) of the revoked token, and of no other', async () => {
      const watcher = new RevocationWatcher(stack.server.api, { token: await stack.adminToken() });
      try {
        await watcher.start();
        const service = await registerServiceClient(stack);
        const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
        const revoked = (await client.clientCredentialsGrant(configuration)).access_token;
        const kept = (await client.clientCredentialsGrant(configuration)).access_token;
        expect(watcher.revoked(decodeJwt(revoked))).to.equal(false);
        await client.tokenRevocation(configuration, revoked);
        await eventually(() => watcher.revoked(decodeJwt(revoked)), { what: 'the watcher refusing the revoked token' });
        expect(watcher.revoked(decodeJwt(kept))).to.equal(false);
      } finally {
        watcher.stop();
      }
    });

    it("answers 200 and changes nothing when a client revokes another client's access token (RFC 7009 2.1)", async () => {
      const { person, tokens } = await signedInToApp(stack);
      const other = await registerServiceClient(stack);
      const otherConfiguration = await stack.discover(other.id, other.secret, client.ClientSecretPost(other.secret));
      await client.tokenRevocation(otherConfiguration, tokens.access_token);
      expect((await stack.server.api.validateToken({ token: tokens.access_token })).clientId).to.equal(person.id);
      expect(await gatewayStatus(tokens.access_token)).to.equal(200);
    });

    it('refuses a revocation request with a wrong secret (invalid_client), and the token stays valid', async () => {
      const service = await registerServiceClient(stack);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
      const token = (await client.clientCredentialsGrant(configuration)).access_token;
      const answer = await stack.fetch(`${stack.bridge.url}/oidc/revoke`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: service.id, client_secret: 'not the secret' }).toString(),
      });
      expect(answer.status).to.equal(401);
      expect(((await answer.json()) as { error: string }).error).to.equal('invalid_client');
      expect(await gatewayStatus(token)).to.equal(200);
    });
  });
