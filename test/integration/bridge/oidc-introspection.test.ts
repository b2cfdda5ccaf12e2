import { expect } from 'chai';
import * as client from 'openid-client';
import { eventually } from '../../support/eventually.js';
import { type OidcStack, oauthErrorOf, registerApp, signedInToApp, startOidcStack } from '../../support/oidc-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`Token introspection (RFC 7662) at the OpenID Provider (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_introspection');
    });
    after(async () => stack?.close());

    it("tells a confidential client its live access and refresh tokens, and nothing of another client's", async () => {
      const { app, person, configuration, tokens } = await signedInToApp(stack);
      const access = await client.tokenIntrospection(configuration, tokens.access_token);
      expect(access).to.include({ active: true, token_type: 'access_token', sub: person.id, client_id: app.id });
      const refresh = await client.tokenIntrospection(configuration, tokens.refresh_token!);
      expect(refresh).to.include({ active: true, token_type: 'refresh_token', sub: person.id, client_id: app.id });

      const other = await registerApp(stack);
      const otherConfiguration = await stack.discover(other.id, other.secret, client.ClientSecretPost(other.secret));
      expect(await client.tokenIntrospection(otherConfiguration, tokens.access_token)).to.deep.equal({ active: false });
      expect(await client.tokenIntrospection(otherConfiguration, tokens.refresh_token!)).to.deep.equal({ active: false });
      expect(await client.tokenIntrospection(configuration, 'not.a.token')).to.deep.equal({ active: false });
    });

    it("refuses a wrong secret with invalid_client, and calls a suspended person's token inactive", async () => {
      const { app, person, configuration, tokens } = await signedInToApp(stack);
      const wrong = await stack.discover(app.id, 'not the secret', client.ClientSecretBasic('not the secret'));
      expect(await oauthErrorOf(client.tokenIntrospection(wrong, tokens.access_token))).to.equal('invalid_client');
      await stack.server.api.suspendClient({ clientId: person.id, reason: 'abuse' }, { token: await stack.adminToken() });
      await eventually(async () => ((await client.tokenIntrospection(configuration, tokens.access_token)).active === false ? true : null), {
        what: 'the access token inactive',
      });
    });

    it("calls a suspended or deleted person's access and refresh tokens inactive", async () => {
      const admin = await stack.adminToken();
      for (const end of ['suspended', 'deleted'] as const) {
        const { person, configuration, tokens } = await signedInToApp(stack);
        if (end === 'suspended') await stack.server.api.suspendClient({ clientId: person.id, reason: 'abuse' }, { token: admin });
        else await stack.server.api.deleteClient({ clientId: person.id }, { token: admin });
        for (const token of [tokens.access_token, tokens.refresh_token!])
          await eventually(async () => ((await client.tokenIntrospection(configuration, token)).active === false ? true : null), {
            what: `the ${end} person's ${token === tokens.access_token ? 'access' : 'refresh'} token inactive`,
          });
      }
    });
  });
