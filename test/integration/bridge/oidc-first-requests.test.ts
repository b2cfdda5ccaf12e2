/**
 * The OpenID Provider is built at the first request it answers (provider-mount.ts): many
 * first requests at once, of both kinds a fresh instance gets (discovery and a token),
 * all wait for the one provider and are answered by it, on both set-ups.
 */
import { expect } from 'chai';
import { type OidcStack, registerServiceClient, startOidcStack } from '../../support/oidc-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`The OpenID Provider's first requests at once (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_first_requests');
    });
    after(async () => stack?.close());

    it('answers every one of them, with one discovery document and tokens that ValidateToken accepts', async () => {
      const service = await registerServiceClient(stack);
      const basic = `Basic ${Buffer.from(`${encodeURIComponent(service.id)}:${encodeURIComponent(service.secret)}`).toString('base64')}`;
      const discovery = () =>
        stack.fetch(`${stack.bridge.url}/.well-known/openid-configuration`).then(async (answer) => ({ status: answer.status, body: await answer.text() }));
      const token = () =>
        stack
          .fetch(`${stack.bridge.url}/oidc/token`, {
            method: 'POST',
            headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=client_credentials',
          })
          .then(async (answer) => ({ status: answer.status, body: (await answer.json()) as { access_token?: string } }));
      // No request to the provider before these: the first of them builds it.
      const [documents, tokens] = await Promise.all([Promise.all(Array.from({ length: 8 }, discovery)), Promise.all(Array.from({ length: 8 }, token))]);
      expect(documents.map((answer) => answer.status)).to.deep.equal(Array(8).fill(200));
      expect(new Set(documents.map((answer) => answer.body)).size, 'one discovery document').to.equal(1);
      expect(tokens.map((answer) => answer.status)).to.deep.equal(Array(8).fill(200));
      for (const { body } of tokens) expect((await stack.server.api.validateToken({ token: body.access_token! })).clientId).to.equal(service.id);
    });
  });
