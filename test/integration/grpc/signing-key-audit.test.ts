import { expect } from 'chai';
import { ListAuditEventsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const ADMIN = { email: 'key-admin@example.com', password: 'admin password 1' };

for (const setup of SETUPS)
  describe(`Signing-key rotations in the audit trail (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;

    before(async function () {
      const env = {
        JWT_ALGORITHM: 'ES256',
        KEY_ENCRYPTION_KEY: 'a-key-encryption-key-of-at-least-32-bytes!',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      };
      server = await startTestServer(setupEnv(setup, this, 'key-audit', env));
    });
    after(async () => server?.close());

    it('records who rotated the signing key, and the kid of the new key', async () => {
      const admin = await server.api.login(ADMIN);
      const rotated = await server.api.rotateSigningKey({}, { token: admin.accessToken });
      await server.app.audit.flush();
      const { events } = await server.api.listAuditEvents(ListAuditEventsRequest.fromPartial({ type: 'signing_key.rotated' }), { token: admin.accessToken });
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ actorId: admin.client!.id, targetClientId: '', keyId: rotated.kid });
    });
  });
