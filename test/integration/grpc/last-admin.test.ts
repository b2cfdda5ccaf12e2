import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { freshEmail, PASSWORD, registerUser } from '../../support/attacks.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const ROOT = { email: 'last-admin-root@example.com', password: 'the root admin password' };

for (const setup of SETUPS)
  describe(`The last active admin stays (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let env: Record<string, string>;
    let server: TestServer;
    let rootToken: string;
    let rootId: string;

    before(async function () {
      env = setupEnv(setup, this, 'last_admin', { ADMIN_EMAIL: ROOT.email, ADMIN_PASSWORD: ROOT.password });
      server = await startTestServer(env);
      const session = await server.api.login(ROOT);
      rootToken = session.accessToken;
      rootId = session.client!.id;
    });
    after(async () => server?.close());

    const lastAdmin = { code: status.FAILED_PRECONDITION, reason: 'LAST_ADMIN' };

    it('refuses suspending, demoting or deleting the only admin with FAILED_PRECONDITION / LAST_ADMIN, changing nothing', async () => {
      expect(await failure(server.api.suspendClient({ clientId: rootId, reason: 'oops' }, { token: rootToken }))).to.include(lastAdmin);
      expect(await failure(server.api.setClientGroups({ clientId: rootId, groups: [] }, { token: rootToken }))).to.include(lastAdmin);
      expect(await failure(server.api.deleteClient({ clientId: rootId }, { token: rootToken }))).to.include(lastAdmin);
      expect(await failure(server.api.deleteClient({ clientId: '' }, { token: rootToken }))).to.include(lastAdmin);
      const stored = await server.store.client(rootId);
      expect(stored).to.include({ suspended: false });
      expect(stored!.groups).to.include('admin');
      expect((await server.api.getMe({}, { token: rootToken })).client!.id).to.equal(rootId);
    });

    it('lets one of two admins go, and leaves at least one when both suspend each other at once', async () => {
      const deputy = await registerUser(server.api, freshEmail('deputy'));
      await server.api.setClientGroups({ clientId: deputy.id, groups: ['admin'] }, { token: rootToken });
      const deputyToken = (await server.api.login({ email: deputy.email, password: PASSWORD })).accessToken;
      await Promise.allSettled([
        server.api.suspendClient({ clientId: deputy.id, reason: 'race' }, { token: rootToken }),
        server.api.suspendClient({ clientId: rootId, reason: 'race' }, { token: deputyToken }),
      ]);
      const active = [await server.store.client(rootId), await server.store.client(deputy.id)].filter((client) => !client!.suspended);
      expect(active).to.have.length.of.at.least(1);
      const survivor = active[0]!.id === rootId ? rootToken : deputyToken;
      const other = active[0]!.id === rootId ? deputy.id : rootId;
      await server.api.reinstateClient({ clientId: other }, { token: survivor });
      rootToken = (await server.api.login(ROOT)).accessToken;
      await server.api.setClientGroups({ clientId: deputy.id, groups: [] }, { token: rootToken });
    });

    it('reinstates a suspended ADMIN_EMAIL admin at start-up, logging a warning', async () => {
      const deputy = await registerUser(server.api, freshEmail('deputy'));
      await server.api.setClientGroups({ clientId: deputy.id, groups: ['admin'] }, { token: rootToken });
      const deputyToken = (await server.api.login({ email: deputy.email, password: PASSWORD })).accessToken;
      await server.api.suspendClient({ clientId: rootId, reason: 'locked out' }, { token: deputyToken });
      // The deputy leaves around the service's rules, as an old release or a hand edit could have.
      await server.store.updateClient(deputy.id, { groups: ['user'] });
      expect(await failure(server.api.login(ROOT))).to.include({ reason: 'CLIENT_SUSPENDED' });

      await server.close();
      server = await startTestServer(env);
      expect(server.logs.some((line) => line.includes('"level":"warn"') && line.includes('reinstating it'))).to.equal(true);
      rootToken = (await server.api.login(ROOT)).accessToken;
      const target = await registerUser(server.api, freshEmail('target'));
      expect((await server.api.suspendClient({ clientId: target.id, reason: 'works again' }, { token: rootToken })).client!.suspended).to.equal(true);
    });
  });
