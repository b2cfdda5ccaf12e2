import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import { dbNameOf, failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'root@example.com', password: 'admin password 1' };

describe('Admins and their RPCs', function () {
  this.timeout(30000);
  let server: TestServer;
  let adminToken: string;
  let counter = 0;
  const email = (prefix = 'member') => `${prefix}${++counter}@example.org`;

  before(async function () {
    const services = requireServices(this);
    server = await startTestServer(testEnv(services, 'admin', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
    adminToken = (await server.api.login(ADMIN)).accessToken;
  });
  after(async () => server?.close());

  const register = async (address = email()) => {
    const { client } = await server.api.registerUser({ email: address, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    return client!;
  };
  const userToken = async () => {
    const client = await register();
    return (await server.api.login({ email: client.email, password: PASSWORD })).accessToken;
  };

  describe('the configured admin', () => {
    it('is created at start-up in the admin group', async () => {
      const me = await server.api.getMe({}, { token: adminToken });
      expect(me.client!.groups).to.have.members(['user', 'admin']);
      expect(me.client!.email).to.equal(ADMIN.email);
    });

    it('is brought up to date, not duplicated, when another instance starts with a new password', async function () {
      const services = requireServices(this);
      const second = await startTestServer({
        ...testEnv(services, 'admin-second', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: 'a rotated admin password' }),
        DB_NAME: dbNameOf(server.config),
      });
      try {
        expect(await server.db.collection('clients').countDocuments({ email: ADMIN.email })).to.equal(1);
        await second.api.login({ email: ADMIN.email, password: 'a rotated admin password' });
        expect(await failure(second.api.login(ADMIN))).to.include({ reason: 'INVALID_CREDENTIALS' });
      } finally {
        await second.close();
        await server.db.collection('clients').updateOne({ email: ADMIN.email }, { $set: { passwordHash: await hash(ADMIN.password) } });
      }
    });
  });

  describe('permission', () => {
    it('refuses a non-admin before any lookup, so existing and unknown ids look the same', async () => {
      const token = await userToken();
      const existing = await register();
      const unknownId = '0190d6a8-0000-7000-8000-000000000000';
      for (const clientId of [existing.id, unknownId, 'not-an-id']) {
        expect(await failure(server.api.getClient({ clientId }, { token }))).to.deep.equal({
          code: status.PERMISSION_DENIED,
          reason: 'PERMISSION_DENIED',
          field: '',
          message: 'this call needs the admin group',
        });
      }
      const calls = [
        server.api.listClients({ pageSize: 0, pageToken: '', kind: 0, suspended: undefined, emailPrefix: '' }, { token }),
        server.api.setClientGroups({ clientId: existing.id, groups: ['admin'] }, { token }),
        server.api.suspendClient({ clientId: existing.id, reason: '' }, { token }),
        server.api.reinstateClient({ clientId: existing.id }, { token }),
        server.api.listDeletionRequests({ pageSize: 0, pendingOnly: false }, { token }),
        server.api.deleteClient({ clientId: existing.id }, { token }),
      ];
      for (const pending of calls) expect((await failure(pending)).code).to.equal(status.PERMISSION_DENIED);
      expect((await server.api.getClient({ clientId: existing.id }, { token: adminToken })).client!.groups).to.deep.equal(['user']);
    });

    it('answers an admin asking for an unknown id with NOT_FOUND / CLIENT_NOT_FOUND and a malformed one with INVALID_ARGUMENT', async () => {
      expect(await failure(server.api.getClient({ clientId: '0190d6a8-0000-7000-8000-000000000000' }, { token: adminToken }))).to.include({
        code: status.NOT_FOUND,
        reason: 'CLIENT_NOT_FOUND',
      });
      expect(await failure(server.api.getClient({ clientId: 'x' }, { token: adminToken }))).to.include({ code: status.INVALID_ARGUMENT, field: 'client_id' });
    });
  });

  describe('SetClientGroups', () => {
    it('is the only path to admin, and keeps the base group', async () => {
      const client = await register();
      const { client: updated } = await server.api.setClientGroups({ clientId: client.id, groups: ['admin', 'ops'] }, { token: adminToken });
      expect(updated!.groups).to.deep.equal(['user', 'admin', 'ops']);
      const token = (await server.api.login({ email: client.email, password: PASSWORD })).accessToken;
      const fetched = await server.api.getClient({ clientId: client.id }, { token });
      expect(fetched.client!.id).to.equal(client.id);
    });

    it('refuses malformed group names with INVALID_ARGUMENT and changes nothing', async () => {
      const client = await register();
      expect(await failure(server.api.setClientGroups({ clientId: client.id, groups: ['Admin!'] }, { token: adminToken }))).to.include({
        code: status.INVALID_ARGUMENT,
        field: 'groups',
      });
      expect((await server.api.getClient({ clientId: client.id }, { token: adminToken })).client!.groups).to.deep.equal(['user']);
    });
  });

  describe('ListClients', () => {
    it('pages through every client exactly once in a stable order', async () => {
      const prefix = `paging${Date.now()}`;
      const made = [];
      for (let i = 0; i < 7; i++) made.push(await register(`${prefix}.${i}@example.org`));
      const seen: string[] = [];
      let pageToken = '';
      let pages = 0;
      do {
        const page = await server.api.listClients({ pageSize: 3, pageToken, kind: 0, suspended: undefined, emailPrefix: prefix }, { token: adminToken });
        expect(page.clients.length).to.be.at.most(3);
        seen.push(...page.clients.map((c) => c.id));
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken !== '' && pages < 10);
      expect(pages).to.equal(3);
      expect(seen).to.deep.equal(made.map((c) => c.id));
    });

    it('filters by kind, suspension and email prefix', async () => {
      const prefix = `filter${Date.now()}`;
      const a = await register(`${prefix}.a@example.org`);
      await register(`${prefix}.b@example.org`);
      await server.api.registerService({ email: `${prefix}.svc@example.org`, name: 'svc', groups: [] }, { token: adminToken });
      await server.api.suspendClient({ clientId: a.id, reason: 'test' }, { token: adminToken });
      const list = (filter: { kind?: ClientKind; suspended?: boolean }) =>
        server.api.listClients(
          { pageSize: 50, pageToken: '', kind: filter.kind ?? 0, suspended: filter.suspended, emailPrefix: prefix.toUpperCase() },
          { token: adminToken },
        );
      expect((await list({})).clients).to.have.length(3);
      expect((await list({ kind: ClientKind.CLIENT_KIND_SERVICE })).clients.map((c) => c.name)).to.deep.equal(['svc']);
      expect((await list({ suspended: true })).clients.map((c) => c.id)).to.deep.equal([a.id]);
      expect((await list({ suspended: false, kind: ClientKind.CLIENT_KIND_USER })).clients).to.have.length(1);
    });

    it('refuses a forged page token and an out-of-range page size', async () => {
      expect(
        await failure(server.api.listClients({ pageSize: 0, pageToken: 'bm9wZQ', kind: 0, suspended: undefined, emailPrefix: '' }, { token: adminToken })),
      ).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_PAGE_TOKEN' });
      expect(
        await failure(server.api.listClients({ pageSize: 501, pageToken: '', kind: 0, suspended: undefined, emailPrefix: '' }, { token: adminToken })),
      ).to.include({ code: status.INVALID_ARGUMENT, field: 'page_size' });
      expect(
        await failure(
          server.api.listClients({ pageSize: 1, pageToken: '', kind: 7 as ClientKind, suspended: undefined, emailPrefix: '' }, { token: adminToken }),
        ),
      ).to.include({ code: status.INVALID_ARGUMENT, field: 'kind' });
    });
  });
});

async function hash(password: string): Promise<string> {
  const bcrypt = await import('bcrypt');
  return bcrypt.hash(password, 4);
}

for (const setup of SETUPS)
  describe(`A service started without ADMIN_EMAIL (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'no-admin'));
    });
    after(async () => server?.close());

    it('holds no account at all: there is no default account to log in to', async () => {
      expect(await server.store.countClients()).to.equal(0);
      for (const email of ['admin@example.com', 'root@localhost.localdomain']) {
        expect(await failure(server.api.login({ email, password: 'admin password' }))).to.include({ reason: 'INVALID_CREDENTIALS' });
      }
    });
  });
