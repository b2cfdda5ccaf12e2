/**
 * An app (a service client registered with SetOidcClient) that is suspended or deleted: the
 * access tokens people's sign-ins gave it are refused from the next check, not only the
 * tokens it got for itself with client credentials.
 */
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { RevocationWatcher } from '../../../src/sdk/revocation-watcher.js';
import { eventually } from '../../support/eventually.js';
import { type OidcStack, signedInToApp, startOidcStack } from '../../support/oidc-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`The access tokens of an app suspended or deleted (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_app_ended');
    });
    after(async () => stack?.close());

    /** ValidateToken's reason for refusing `token`, or 'accepted'. */
    async function validation(token: string): Promise<string> {
      const accepted = await stack.server.api.validateToken({ token }).then(
        () => true,
        () => false,
      );
      return accepted ? 'accepted' : (await failure(stack.server.api.validateToken({ token }))).reason;
    }

    async function gateway(token: string): Promise<number> {
      return (await fetch(`${stack.bridge.url}/auth`, { headers: { Authorization: `Bearer ${token}` } })).status;
    }

    it("refuses a person's access token the app got, once the app is suspended, at ValidateToken and GET /auth", async () => {
      const { app, tokens } = await signedInToApp(stack);
      expect(await validation(tokens.access_token)).to.equal('accepted');
      await stack.server.api.suspendClient({ clientId: app.id, reason: 'compromised' }, { token: await stack.adminToken() });
      expect(await validation(tokens.access_token)).to.equal('CLIENT_SUSPENDED');
      expect(await gateway(tokens.access_token)).to.equal(401);
    });

    it("refuses a person's access token the app got, once the app is deleted, at ValidateToken and GET /auth", async () => {
      const { app, tokens } = await signedInToApp(stack);
      await stack.server.api.deleteClient({ clientId: app.id }, { token: await stack.adminToken() });
      expect(await validation(tokens.access_token)).to.equal('CLIENT_DELETED');
      expect(await gateway(tokens.access_token)).to.equal(401);
    });

    it("tells a gateway that verifies tokens itself (RevocationWatcher) to refuse them, and no other app's", async () => {
      const watcher = new RevocationWatcher(stack.server.api, { token: await stack.adminToken() });
      try {
        await watcher.start();
        const ended = await signedInToApp(stack);
        const going = await signedInToApp(stack);
        expect(watcher.revoked(decodeJwt(ended.tokens.access_token))).to.equal(false);
        await stack.server.api.suspendClient({ clientId: ended.app.id, reason: 'compromised' }, { token: await stack.adminToken() });
        await eventually(() => watcher.revoked(decodeJwt(ended.tokens.access_token)), { what: "the watcher refusing the suspended app's token" });
        expect(watcher.revoked(decodeJwt(going.tokens.access_token))).to.equal(false);
      } finally {
        watcher.stop();
      }
    });

    it('still accepts the access tokens of the apps that go on', async () => {
      const first = await signedInToApp(stack);
      const second = await signedInToApp(stack);
      await stack.server.api.suspendClient({ clientId: first.app.id, reason: 'compromised' }, { token: await stack.adminToken() });
      expect(await validation(second.tokens.access_token)).to.equal('accepted');
    });
  });
