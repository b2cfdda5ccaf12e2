/**
 * ListClients' group filter on both set-ups, end to end: every path that writes a client's
 * groups (start-up's admin, registration, RegisterService, SetClientGroups, deletion) moves
 * the client in or out of the group's results at once, and the filter combines with the
 * other filters and with paging in both orders.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import type { ListClientsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'root@example.com', password: 'admin password 1' };

for (const setup of SETUPS)
  describe(`ListClients by group, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let server: TestServer;
    let token: string;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'list_by_group', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
      token = (await server.api.login(ADMIN)).accessToken;
    });
    after(async () => server?.close());

    const register = async (email: string) =>
      (await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} })).client!;
    const setGroups = (clientId: string, groups: string[]) => server.api.setClientGroups({ clientId, groups }, { token });
    const list = async (request: Partial<ListClientsRequest>) =>
      server.api.listClients({ pageSize: 50, pageToken: '', kind: 0, emailPrefix: '', newestFirst: false, group: '', ...request }, { token });
    const emailsOf = async (request: Partial<ListClientsRequest>) => (await list(request)).clients.map((client) => client.email);
    /** Every id in the group, a page of `pageSize` at a time. */
    const walk = async (request: Partial<ListClientsRequest>, pageSize: number) => {
      const seen: string[] = [];
      let pageToken = '';
      let pages = 0;
      do {
        const page = await list({ ...request, pageSize, pageToken });
        expect(page.clients.length).to.be.at.most(pageSize);
        seen.push(...page.clients.map((client) => client.email));
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken !== '' && pages < 20);
      return { seen, pages };
    };

    it('finds the admin created at start-up in the admin group, and a service in the groups it was registered with', async () => {
      expect(await emailsOf({ group: 'admin' })).to.deep.equal([ADMIN.email]);
      const prefix = `svc${Date.now()}`;
      await server.api.registerService({ email: `${prefix}@example.org`, name: 'billing', groups: ['billing-api'] }, { token });
      expect(await emailsOf({ group: 'billing-api' })).to.deep.equal([`${prefix}@example.org`]);
      expect(await emailsOf({ group: 'service', emailPrefix: prefix })).to.deep.equal([`${prefix}@example.org`]);
      expect(await emailsOf({ group: 'user', emailPrefix: prefix })).to.deep.equal([]);
    });

    it('combines the group with the email prefix, kind, suspension and verification filters', async () => {
      const prefix = `combo${Date.now()}`;
      const [a, b, c] = [await register(`${prefix}.a@example.org`), await register(`${prefix}.b@example.org`), await register(`other${prefix}@example.org`)];
      await register(`${prefix}.d@example.org`);
      for (const client of [a, b, c]) await setGroups(client.id, ['support']);
      await server.api.suspendClient({ clientId: b.id, reason: 'test' }, { token });
      expect(await emailsOf({ group: 'support', emailPrefix: prefix })).to.deep.equal([a.email, b.email]);
      expect(await emailsOf({ group: 'support', emailPrefix: prefix.toUpperCase(), suspended: true })).to.deep.equal([b.email]);
      expect(await emailsOf({ group: 'support', suspended: false, kind: ClientKind.CLIENT_KIND_USER })).to.include.members([a.email, c.email]);
      expect(await emailsOf({ group: 'support', suspended: false })).to.not.include(b.email);
      expect(await emailsOf({ group: 'support', kind: ClientKind.CLIENT_KIND_SERVICE })).to.deep.equal([]);
      expect(await emailsOf({ group: 'support', emailPrefix: prefix, emailVerified: false })).to.deep.equal([a.email, b.email]);
      expect(await emailsOf({ group: 'support', emailPrefix: prefix, emailVerified: true })).to.deep.equal([]);
    });

    it('pages through a group exactly once in either order, with the clients outside it left out', async () => {
      const group = `team-${Date.now()}`;
      const members: string[] = [];
      for (let index = 0; index < 7; index++) {
        const client = await register(`${group}.${index}@example.org`);
        await register(`${group}.outside${index}@example.org`);
        await setGroups(client.id, [group]);
        members.push(client.email);
      }
      const oldest = await walk({ group }, 3);
      expect(oldest).to.deep.equal({ seen: members, pages: 3 });
      const newest = await walk({ group, newestFirst: true }, 3);
      expect(newest).to.deep.equal({ seen: [...members].reverse(), pages: 3 });
      expect((await walk({ group, emailPrefix: `${group}.` }, 2)).seen).to.deep.equal(members);
    });

    it('moves a client into and out of a group at once when its groups change, and forgets it when it is deleted', async () => {
      const group = `oncall-${Date.now()}`;
      const client = await register(`${group}@example.org`);
      expect(await emailsOf({ group })).to.deep.equal([]);
      await setGroups(client.id, [group, 'support']);
      expect(await emailsOf({ group })).to.deep.equal([client.email]);
      await setGroups(client.id, ['support']);
      expect(await emailsOf({ group })).to.deep.equal([]);
      expect(await emailsOf({ group: 'support', emailPrefix: group })).to.deep.equal([client.email]);
      await server.api.deleteClient({ clientId: client.id }, { token });
      expect(await emailsOf({ group: 'support', emailPrefix: group })).to.deep.equal([]);
      expect(await emailsOf({ group: 'user', emailPrefix: group })).to.deep.equal([]);
    });

    it('refuses a group that is not a group name with INVALID_ARGUMENT naming the field', async () => {
      for (const group of ['Admin', 'a b', '-x', 'x'.repeat(65), 'é']) {
        expect(await failure(list({ group })), group).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', field: 'group' });
      }
    });
  });
