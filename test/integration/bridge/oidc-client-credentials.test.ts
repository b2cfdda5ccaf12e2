import { expect } from 'chai';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import { type OidcStack, oauthErrorOf, registerServiceClient, startOidcStack } from '../../support/oidc-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`Client credentials at the OpenID Provider (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_client_credentials');
    });
    after(async () => stack?.close());

    it("gives a service client, with the secret RegisterService issued (client_secret_basic), a JWT that ValidateToken and GET /auth accept as that service's", async () => {
      const service = await registerServiceClient(stack, ['billing']);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
      const tokens = await client.clientCredentialsGrant(configuration);
      expect(tokens.token_type.toLowerCase()).to.equal('bearer');
      const jwks = (await (await stack.fetch(configuration.serverMetadata().jwks_uri!)).json()) as { keys: Array<{ kid: string }> };
      expect(jwks.keys.map((key) => key.kid)).to.include(decodeProtectedHeader(tokens.access_token).kid);
      const claims = decodeJwt(tokens.access_token);
      expect(claims).to.include({ sub: service.id, id: service.id, kind: 'service', client_id: service.id, iss: 'client-auth', aud: 'client-auth' });

      const principal = await stack.server.api.validateToken({ token: tokens.access_token });
      expect(principal).to.include({ clientId: service.id, kind: ClientKind.CLIENT_KIND_SERVICE });
      expect(principal.groups).to.have.members(['service', 'billing']);
      const gateway = await fetch(`${stack.bridge.url}/auth`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      expect(gateway.status).to.equal(200);
      expect(gateway.headers.get('X-Client-Id')).to.equal(service.id);
    });

    it('takes the secret in the body as well (client_secret_post)', async () => {
      const service = await registerServiceClient(stack);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretPost(service.secret));
      const tokens = await client.clientCredentialsGrant(configuration);
      expect((await stack.server.api.validateToken({ token: tokens.access_token })).clientId).to.equal(service.id);
    });

    it("refuses a wrong secret, another client's secret and an unknown client alike with invalid_client", async () => {
      const service = await registerServiceClient(stack);
      const other = await registerServiceClient(stack);
      const attempts: Array<[string, string]> = [
        [service.id, 'not the secret'],
        [service.id, other.secret],
        ['01JAAAAAAAAAAAAAAAAAAAAAAA', service.secret],
        ['not-even-an-id', service.secret],
      ];
      for (const [id, secret] of attempts) {
        const configuration = await stack.discover(id, secret, client.ClientSecretBasic(secret));
        expect(await oauthErrorOf(client.clientCredentialsGrant(configuration)), id).to.equal('invalid_client');
      }
    });

    it('refuses a suspended service, and ValidateToken refuses the token it got before', async () => {
      const service = await registerServiceClient(stack);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
      const before = await client.clientCredentialsGrant(configuration);
      await stack.server.api.suspendClient({ clientId: service.id, reason: 'leaked secret' }, { token: await stack.adminToken() });
      expect(await oauthErrorOf(client.clientCredentialsGrant(configuration))).to.equal('invalid_client');
      expect((await failure(stack.server.api.validateToken({ token: before.access_token }))).reason).to.equal('CLIENT_SUSPENDED');
    });

    it('refuses the old secret at once after a reset, and gives a token for the new one', async () => {
      const service = await registerServiceClient(stack);
      const old = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
      await client.clientCredentialsGrant(old);
      const reset = await stack.server.api.resetServiceSecret({ clientId: service.id }, { token: await stack.adminToken() });
      expect(await oauthErrorOf(client.clientCredentialsGrant(old))).to.equal('invalid_client');
      const renewed = await stack.discover(service.id, reset.clientSecret, client.ClientSecretBasic(reset.clientSecret));
      expect((await stack.server.api.validateToken({ token: (await client.clientCredentialsGrant(renewed)).access_token })).clientId).to.equal(service.id);
    });

    it('follows SetOidcClient from the next request: no client credentials once they are not registered, again once they are', async () => {
      const service = await registerServiceClient(stack);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
      await client.clientCredentialsGrant(configuration);
      const admin = { token: await stack.adminToken() };
      const settings = {
        clientId: service.id,
        redirectUris: ['https://app.example.com/cb'],
        postLogoutRedirectUris: [],
        publicClient: false,
        firstParty: false,
        scopes: ['openid'],
      };
      await stack.server.api.setOidcClient({ ...settings, grantTypes: ['authorization_code'] }, admin);
      // oidc-provider's answer to a grant type the client is not registered for.
      expect(await oauthErrorOf(client.clientCredentialsGrant(configuration))).to.equal('invalid_request');
      await stack.server.api.setOidcClient({ ...settings, grantTypes: ['authorization_code', 'client_credentials'] }, admin);
      expect((await stack.server.api.validateToken({ token: (await client.clientCredentialsGrant(configuration)).access_token })).clientId).to.equal(
        service.id,
      );
    });

    it('writes no secret and no token to the logs', async () => {
      const service = await registerServiceClient(stack);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretPost(service.secret));
      const tokens = await client.clientCredentialsGrant(configuration);
      await oauthErrorOf(client.clientCredentialsGrant(await stack.discover(service.id, 'a wrong secret', client.ClientSecretBasic('a wrong secret'))));
      const logs = [...stack.server.logs, ...stack.bridge.logs].join('\n');
      expect(logs).to.not.include(service.secret);
      expect(logs).to.not.include(tokens.access_token.split('.')[2]);
    });
  });
