import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { freshEmail } from '../../support/attacks.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const ROOT = { email: 'services-root@example.com', password: 'the root admin password' };

for (const setup of SETUPS)
  describe(`RegisterService cannot grant admin (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;
    let rootToken: string;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'service_groups', { ADMIN_EMAIL: ROOT.email, ADMIN_PASSWORD: ROOT.password }));
      rootToken = (await server.api.login(ROOT)).accessToken;
    });
    after(async () => server?.close());

    it('refuses groups ["admin"] with INVALID_ARGUMENT on groups and stores nothing', async () => {
      const email = freshEmail('svc-admin');
      const refused = await failure(server.api.registerService({ email, name: 'escalator', groups: ['billing', 'admin'] }, { token: rootToken }));
      expect(refused).to.include({ code: status.INVALID_ARGUMENT, field: 'groups' });
      expect(refused.message).to.match(/SetClientGroups/);
      expect(await server.store.countClients({ email })).to.equal(0);
    });

    it('still registers a service with other groups, which SetClientGroups may later make an admin', async () => {
      const { client } = await server.api.registerService({ email: freshEmail('svc'), name: 'billing', groups: ['billing'] }, { token: rootToken });
      expect(client!.groups).to.have.members(['service', 'billing']);
      const promoted = await server.api.setClientGroups({ clientId: client!.id, groups: ['billing', 'admin'] }, { token: rootToken });
      expect(promoted.client!.groups).to.include('admin');
    });
  });
