/**
 * The shared set-up keeps the client records it reads in each instance's memory
 * (docs/adr/0015-client-record-cache.md). What a user notices: GetMe of a client already
 * seen costs MongoDB nothing, and no change of a client made through one instance, nor
 * one missed while an instance's link to Redis was down, is answered stale afterwards.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import type { Db } from 'mongodb';
import { eventually } from '../../support/eventually.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'client-cache-admin@example.com', password: 'admin password 1' };

/** The commands FerretDB (or MongoDB) has served so far that read documents, as its serverStatus counts them. */
async function readsServed(db: Db): Promise<number> {
  const status = await db.admin().command({ serverStatus: 1 });
  const commands = (status['metrics']?.['commands'] ?? {}) as Record<string, { total: number }>;
  return Number(commands['find']?.total ?? 0) + Number(commands['aggregate']?.total ?? 0);
}

describe('The client records each instance keeps (FerretDB and Redis)', function () {
  this.timeout(60_000);
  let link: TcpProxy;
  let first: TestServer;
  /** Reaches Redis through the link the tests cut. */
  let second: TestServer;
  let counter = 0;

  before(async function () {
    const services = requireServices(this);
    const url = new URL(services.redisUrl);
    link = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    const env = testEnv(services, 'client_cache', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    first = await startTestServer(env);
    second = await startTestServer({ ...env, REDIS_URL: `redis://${link.address}` });
  });
  after(async () => {
    await second?.close();
    await first?.close();
    await link?.close();
  });

  async function user(): Promise<{ id: string; token: string }> {
    const email = `cached${++counter}.${Date.now()}@example.com`;
    const { client } = await first.api.registerUser({ email, password: PASSWORD, firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '', attributes: {} });
    const { accessToken } = await first.api.login({ email, password: PASSWORD });
    return { id: client!.id, token: accessToken };
  }

  it('answers GetMe of a client it has seen without reading MongoDB', async () => {
    const { id, token } = await user();
    expect((await first.api.getMe({}, { token })).client!.id).to.equal(id);
    const before = await readsServed(first.db);
    for (let i = 0; i < 20; i++) expect((await first.api.getMe({}, { token })).client!.firstName).to.equal('Ada');
    // The instances' own background passes (the outbox relay, sweeps) may read meanwhile; 20 GetMe calls read 20 documents without the cache.
    expect((await readsServed(first.db)) - before).to.be.below(5);
  });

  it('rotates a refresh token with two reads of MongoDB: the token and its session', async () => {
    const email = `rotating${++counter}.${Date.now()}@example.com`;
    await first.api.registerUser({ email, password: PASSWORD, firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '', attributes: {} });
    let { refreshToken } = await first.api.login({ email, password: PASSWORD });
    refreshToken = (await first.api.refreshToken({ refreshToken })).refreshToken;
    const before = await readsServed(first.db);
    for (let i = 0; i < 10; i++) refreshToken = (await first.api.refreshToken({ refreshToken })).refreshToken;
    // Without the cache and with the successor read up front: four reads each (token, its successor, session, client).
    expect((await readsServed(first.db)) - before).to.be.below(10 * 2 + 5);
  });

  it('answers the next GetMe on the other instance with a profile changed through one', async () => {
    const { token } = await user();
    expect((await second.api.getMe({}, { token })).client!.firstName).to.equal('Ada');
    await first.api.updateMyProfile({ firstName: 'Grace' }, { token });
    // The change is announced before its caller is answered, and reaches the other instance over
    // Redis pub/sub a moment later (the bench measures how soon), as a suspension does.
    const firstName = await eventually(
      async () => {
        const seen = (await second.api.getMe({}, { token })).client!.firstName;
        return seen === 'Grace' ? seen : null;
      },
      { timeoutMs: 2000, intervalMs: 0, what: 'the other instance to answer the changed profile' },
    );
    expect(firstName).to.equal('Grace');
  });

  it('lists the groups an admin set through one instance in the next GetMe on the other', async () => {
    const rootToken = (await first.api.login(ADMIN)).accessToken;
    const member = await user();
    const email = (await first.store.client(member.id))!.email;
    expect((await second.api.getMe({}, { token: member.token })).client!.groups).to.deep.equal(['user']);
    await first.api.setClientGroups({ clientId: member.id, groups: ['billing'] }, { token: rootToken });
    // The change ended the member's sessions; a new login carries the new groups, and so must the record.
    const { accessToken } = await first.api.login({ email, password: PASSWORD });
    const groups = await eventually(
      async () => {
        const seen = (await second.api.getMe({}, { token: accessToken })).client!.groups;
        return seen.includes('billing') ? seen : null;
      },
      { timeoutMs: 2000, intervalMs: 0, what: 'the other instance to answer the new groups' },
    );
    expect(groups).to.have.members(['user', 'billing']);
  });

  it('ends on the other instance the admin rights of an admin demoted through one while Redis refuses writes', async () => {
    const rootToken = (await first.api.login(ADMIN)).accessToken;
    const member = await user();
    const email = (await first.store.client(member.id))!.email;
    await first.api.setClientGroups({ clientId: member.id, groups: ['admin'] }, { token: rootToken });
    const { accessToken } = await first.api.login({ email, password: PASSWORD });
    // The other instance has the admin's record now.
    await second.api.listClients({ pageSize: 1 }, { token: accessToken });
    // Redis refuses every write (NOREPLICAS): the revocation list's entries for the sessions
    // the demotion ends do not reach the other instance, so only the record can refuse.
    await first.redis.config('SET', 'min-replicas-to-write', '1');
    try {
      await first.api.setClientGroups({ clientId: member.id, groups: [] }, { token: rootToken }).catch(() => undefined);
      expect((await first.store.client(member.id))!.groups).to.deep.equal(['user']);
      const refused = await eventually(
        async () => {
          const answer = await second.api.listClients({ pageSize: 1 }, { token: accessToken }).then(
            () => null,
            (error: { code: number }) => error,
          );
          return answer?.code ?? null;
        },
        { timeoutMs: 2000, intervalMs: 0, what: 'the other instance to refuse the demoted admin' },
      );
      expect(refused).to.be.oneOf([status.PERMISSION_DENIED, status.UNAUTHENTICATED, status.UNAVAILABLE]);
    } finally {
      await first.redis.config('SET', 'min-replicas-to-write', '0');
    }
  });

  it('ends on the other instance the admin rights of an admin demoted through one whose link to Redis is cut', async () => {
    const rootToken = (await first.api.login(ADMIN)).accessToken;
    const member = await user();
    const email = (await first.store.client(member.id))!.email;
    await first.api.setClientGroups({ clientId: member.id, groups: ['admin'] }, { token: rootToken });
    const { accessToken } = await first.api.login({ email, password: PASSWORD });
    // The instance with its link to Redis has the admin's record now.
    await first.api.listClients({ pageSize: 1 }, { token: accessToken });
    await link.cut();
    try {
      // Neither the announcement of the change nor the revocation list's entries for the
      // sessions it ends can leave the cut instance; the stored record is changed all the same.
      const demotion = await second.api.setClientGroups({ clientId: member.id, groups: [] }, { token: rootToken }).then(
        () => 'done',
        (error: { code: number; details: string }) => `${error.code} ${error.details}`,
      );
      expect((await first.store.client(member.id))!.groups, `the demotion answered ${demotion}`).to.deep.equal(['user']);
      const answer = await first.api.listClients({ pageSize: 1 }, { token: accessToken }).then(
        () => 'listed',
        (error: { code: number }) => error.code,
      );
      expect(answer).to.be.oneOf([status.PERMISSION_DENIED, status.UNAUTHENTICATED, status.UNAVAILABLE]);
    } finally {
      await link.restore();
    }
  });

  it('forgets what it kept when its link to Redis comes back, so a change announced meanwhile is not answered stale', async () => {
    const { token } = await user();
    expect((await second.api.getMe({}, { token })).client!.lastName).to.equal('Lovelace');
    await link.cut();
    try {
      // The announcement of this change cannot reach the cut instance.
      await first.api.updateMyProfile({ lastName: 'Hopper' }, { token });
    } finally {
      await link.restore();
    }
    // Once the link is back (its revocation list re-synced), the next answer has the change.
    const lastName = await eventually(async () => (await second.api.getMe({}, { token }).catch(() => null))?.client?.lastName, {
      what: 'the cut instance to answer GetMe again',
    });
    expect(lastName).to.equal('Hopper');
  });
});
