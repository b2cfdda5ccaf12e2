/** DeletePasskey asks for the current password, counted with the second factor's guesses, on both set-ups. */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { PASSWORD, registerUser, storedFactors } from '../../support/factor-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const MAX_FAILURES = 3;

for (const setup of SETUPS)
  describe(`DeletePasskey takes a fresh proof, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let counter = 0;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'passkey_deletion', { LOGIN_MAX_FAILURES: String(MAX_FAILURES) }));
    });
    after(async () => server?.close());

    /** A signed-in user whose only second factor is one passkey. */
    async function userWithPasskey() {
      const user = await registerUser(server, 'passkey-deletion');
      const { accessToken: token } = await server.api.login({ email: user.email, password: PASSWORD });
      const passkeyId = `cred-${setup}-${++counter}-${Date.now()}`;
      const stored = storedFactors(server);
      try {
        await stored.store.addPasskey({
          id: passkeyId,
          clientId: user.id,
          publicKey: 'pQECAyYgASFYIA',
          counter: 0,
          transports: ['usb'],
          name: 'the only key',
          backedUp: false,
          createdAt: new Date(),
          lastUsedAt: null,
        });
      } finally {
        stored.close();
      }
      const passkeys = async () => (await server.api.listPasskeys({}, { token })).passkeys.map((p) => p.id);
      return { ...user, token, passkeyId, passkeys };
    }

    it('refuses an access token alone with INVALID_ARGUMENT naming current_password, and the passkey stays', async () => {
      const user = await userWithPasskey();
      const refused = await failure(server.api.deletePasskey({ passkeyId: user.passkeyId, currentPassword: '' }, { token: user.token }));
      expect(refused).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', field: 'current_password' });
      expect(await user.passkeys()).to.deep.equal([user.passkeyId]);
    });

    it('refuses a wrong password, counting it: past the limit even the right one is refused, and the passkey stays', async () => {
      const user = await userWithPasskey();
      for (let attempt = 0; attempt < MAX_FAILURES; attempt++) {
        const wrong = await failure(server.api.deletePasskey({ passkeyId: user.passkeyId, currentPassword: `not it ${attempt}` }, { token: user.token }));
        expect(wrong).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
      }
      const throttled = await failure(server.api.deletePasskey({ passkeyId: user.passkeyId, currentPassword: PASSWORD }, { token: user.token }));
      expect(throttled).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });
      expect(await user.passkeys()).to.deep.equal([user.passkeyId]);
    });

    it('removes the passkey for the current password, and answers a second removal PASSKEY_NOT_FOUND', async () => {
      const user = await userWithPasskey();
      await server.api.deletePasskey({ passkeyId: user.passkeyId, currentPassword: PASSWORD }, { token: user.token });
      expect(await user.passkeys()).to.deep.equal([]);
      const again = await failure(server.api.deletePasskey({ passkeyId: user.passkeyId, currentPassword: PASSWORD }, { token: user.token }));
      expect(again).to.include({ code: status.NOT_FOUND, reason: 'PASSKEY_NOT_FOUND' });
    });
  });
