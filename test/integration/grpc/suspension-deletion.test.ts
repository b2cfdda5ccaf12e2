import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import { eventually } from '../../support/eventually.js';
import { startRedis, stopRedis } from '../../support/redis-process.js';
import { dbNameOf, failure, startTestServer, TEST_SECRET, type TestServer, testEnv } from '../../support/server.js';
import { requireRedisControl, requireServices } from '../../support/services.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'root@example.com', password: 'admin password 1' };

/** Collects the messages of one pub/sub channel. */
async function listen(url: string, channel: string): Promise<{ messages: string[]; close(): void }> {
  const subscriber = new Redis(url);
  const messages: string[] = [];
  subscriber.on('message', (_channel: string, message: string) => messages.push(message));
  await subscriber.subscribe(channel);
  return { messages, close: () => subscriber.disconnect() };
}

describe('Suspension and the deletion cascade', function () {
  this.timeout(40000);
  let server: TestServer;
  let adminToken: string;
  let adminId: string;
  let redisUrl: string;
  let counter = 0;
  const email = () => `person${++counter}.${Date.now()}@example.net`;

  before(async function () {
    const services = requireServices(this);
    redisUrl = services.redisUrl;
    server = await startTestServer(
      testEnv(services, 'suspension', {
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        OUTBOX_RELAY_INTERVAL_MS: '200',
      }),
    );
    const login = await server.api.login(ADMIN);
    adminToken = login.accessToken;
    adminId = login.client!.id;
  });
  after(async () => server?.close());

  const registerAndLogin = async () => {
    const address = email();
    const { client } = await server.api.registerUser({
      email: address,
      password: PASSWORD,
      firstName: 'Grace',
      lastName: 'Hopper',
      phoneNumber: '',
      attributes: {},
    });
    const session = await server.api.login({ email: address, password: PASSWORD });
    return { client: client!, session };
  };

  describe('SuspendClient', () => {
    it('records who, why and when, and locks the client out of every credential path at once', async () => {
      const { client, session } = await registerAndLogin();
      const before = Date.now();
      const { client: suspended } = await server.api.suspendClient({ clientId: client.id, reason: 'chargeback fraud' }, { token: adminToken });
      expect(suspended).to.deep.include({ suspended: true, suspensionReason: 'chargeback fraud', suspendedBy: adminId });
      expect(suspended!.suspendTime!.getTime()).to.be.within(before - 1000, Date.now() + 1000);

      expect(await failure(server.api.validateToken({ token: session.accessToken }))).to.include({ code: status.UNAUTHENTICATED, reason: 'CLIENT_SUSPENDED' });
      expect(await failure(server.api.refreshToken({ refreshToken: session.refreshToken }))).to.include({
        code: status.UNAUTHENTICATED,
        reason: 'CLIENT_SUSPENDED',
      });
      expect(await failure(server.api.login({ email: client.email, password: PASSWORD }))).to.include({
        code: status.UNAUTHENTICATED,
        reason: 'CLIENT_SUSPENDED',
      });
      expect(await server.db.collection('sessions').countDocuments({ clientId: client.id, revokedAt: null })).to.equal(0);
    });

    it('refuses a token from the suspension on, though its answer was kept from the checks before it', async () => {
      const { client, session } = await registerAndLogin();
      const first = await server.api.validateToken({ token: session.accessToken });
      const second = await server.api.validateToken({ token: session.accessToken });
      expect(first).to.deep.include({ clientId: client.id, groups: ['user'], sessionId: second.sessionId });
      expect(second).to.deep.equal(first);
      await server.api.suspendClient({ clientId: client.id, reason: 'kept answers' }, { token: adminToken });
      expect(await failure(server.api.validateToken({ token: session.accessToken }))).to.include({ code: status.UNAUTHENTICATED, reason: 'CLIENT_SUSPENDED' });
    });

    it('reveals nothing to a password guesser: a wrong password on a suspended client is INVALID_CREDENTIALS', async () => {
      const { client } = await registerAndLogin();
      await server.api.suspendClient({ clientId: client.id, reason: '' }, { token: adminToken });
      expect(await failure(server.api.login({ email: client.email, password: 'a wrong guess' }))).to.include({ reason: 'INVALID_CREDENTIALS' });
    });

    it('refuses a suspended service its client-credentials token', async () => {
      const { client, clientSecret } = await server.api.registerService({ email: email(), name: 'batch', groups: [] }, { token: adminToken });
      const token = (await server.api.issueServiceToken({ clientId: client!.id, clientSecret })).accessToken;
      await server.api.suspendClient({ clientId: client!.id, reason: 'leaked secret' }, { token: adminToken });
      expect(await failure(server.api.issueServiceToken({ clientId: client!.id, clientSecret }))).to.include({
        code: status.UNAUTHENTICATED,
        reason: 'CLIENT_SUSPENDED',
      });
      expect(await failure(server.api.validateToken({ token }))).to.include({ reason: 'CLIENT_SUSPENDED' });
    });

    it('answers UNAUTHENTICATED / CLIENT_SUSPENDED on every RPC a suspended client can call', async () => {
      const { client, session } = await registerAndLogin();
      const service = await server.api.registerService({ email: email(), name: 'reports', groups: [] }, { token: adminToken });
      const serviceToken = (await server.api.issueServiceToken({ clientId: service.client!.id, clientSecret: service.clientSecret })).accessToken;
      const suspendedAdmin = await registerAndLogin();
      await server.api.setClientGroups({ clientId: suspendedAdmin.client.id, groups: ['admin'] }, { token: adminToken });
      const adminSession = await server.api.login({ email: suspendedAdmin.client.email, password: PASSWORD });
      for (const id of [client.id, service.client!.id, suspendedAdmin.client.id]) {
        await server.api.suspendClient({ clientId: id, reason: 'review' }, { token: adminToken });
      }
      const bearer = { token: session.accessToken };
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['Login', () => server.api.login({ email: client.email, password: PASSWORD })],
        ['RefreshToken', () => server.api.refreshToken({ refreshToken: session.refreshToken })],
        ['IssueServiceToken', () => server.api.issueServiceToken({ clientId: service.client!.id, clientSecret: service.clientSecret })],
        ['ValidateToken', () => server.api.validateToken({ token: session.accessToken })],
        ['ValidateToken (service)', () => server.api.validateToken({ token: serviceToken })],
        ['GetMe', () => server.api.getMe({}, bearer)],
        ['GetMe (service)', () => server.api.getMe({}, { token: serviceToken })],
        ['ChangePassword', () => server.api.changePassword({ currentPassword: PASSWORD, newPassword: 'another long password' }, bearer)],
        ['DeleteClient', () => server.api.deleteClient({ clientId: '' }, bearer)],
        [
          'ListClients',
          () =>
            server.api.listClients(
              { pageSize: 1, pageToken: '', kind: ClientKind.CLIENT_KIND_UNSPECIFIED, emailPrefix: '' },
              { token: adminSession.accessToken },
            ),
        ],
      ];
      for (const [rpc, call] of calls) {
        expect(await failure(call()), rpc).to.include({ code: status.UNAUTHENTICATED, reason: 'CLIENT_SUSPENDED' });
      }
      expect(await server.store.client(client.id)).to.not.equal(null);
    });

    it('is published on the client events channel, and so is the reinstatement', async () => {
      const events = await listen(redisUrl, server.config.clientEventsChannel);
      try {
        const { client } = await registerAndLogin();
        await server.api.suspendClient({ clientId: client.id, reason: 'review' }, { token: adminToken });
        await server.api.reinstateClient({ clientId: client.id }, { token: adminToken });
        const received = await eventually(() => (events.messages.length >= 2 ? events.messages.map((m) => JSON.parse(m)) : undefined));
        expect(received.map((e) => [e.type, e.client_id, e.by])).to.deep.equal([
          ['client.suspended', client.id, adminId],
          ['client.reinstated', client.id, adminId],
        ]);
        expect(received[0].reason).to.equal('review');
      } finally {
        events.close();
      }
    });
  });

  describe('when the revocation subscription drops', () => {
    it('still sees a suspension whose message it missed: it asks Redis, then re-syncs from the index', async () => {
      const { client, session } = await registerAndLogin();
      expect((await server.api.validateToken({ token: session.accessToken })).clientId).to.equal(client.id);
      // Drop every pub/sub connection, then record a suspension as another instance would,
      // but without the message this instance would have heard.
      await server.redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await server.redis.multi().set(client.id, 'suspended').zadd('clientauth:revocations', '+inf', `suspended:${client.id}`).exec();
      const reason = await eventually(async () => {
        const failed = await failure(server.api.validateToken({ token: session.accessToken })).catch(() => undefined);
        return failed?.reason;
      });
      expect(reason).to.equal('CLIENT_SUSPENDED');
      // Once re-synced it answers from memory, and still refuses.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await failure(server.api.validateToken({ token: session.accessToken }))).to.include({ reason: 'CLIENT_SUSPENDED' });
      await server.redis.multi().del(client.id).zrem('clientauth:revocations', `suspended:${client.id}`).exec();
    });
  });

  describe('after Redis lost its data', () => {
    it('restores every suspended client to the revocation list when an instance starts', async function () {
      const { client, session } = await registerAndLogin();
      await server.api.suspendClient({ clientId: client.id, reason: 'lost and found' }, { token: adminToken });
      await server.redis.del(client.id);
      await server.redis.zrem('clientauth:revocations', `suspended:${client.id}`);
      expect(await server.redis.get(client.id)).to.equal(null);

      const services = requireServices(this);
      const restarted = await startTestServer({ ...testEnv(services, 'suspension-restart'), DB_NAME: dbNameOf(server.config) });
      try {
        expect(await server.redis.get(client.id)).to.equal('suspended');
        expect(await failure(restarted.api.validateToken({ token: session.accessToken }))).to.include({ reason: 'CLIENT_SUSPENDED' });
      } finally {
        await restarted.close();
      }
    });
  });

  describe('ReinstateClient', () => {
    it('lifts the suspension: the key and the flag go, the client logs in again, old sessions stay revoked', async () => {
      const { client, session } = await registerAndLogin();
      await server.api.suspendClient({ clientId: client.id, reason: 'mistake' }, { token: adminToken });
      const { client: reinstated } = await server.api.reinstateClient({ clientId: client.id }, { token: adminToken });
      expect(reinstated).to.deep.include({ suspended: false, suspensionReason: '', suspendedBy: '' });
      expect(reinstated!.suspendTime).to.equal(undefined);
      expect(await server.redis.get(client.id)).to.equal(null);
      const fresh = await server.api.login({ email: client.email, password: PASSWORD });
      expect((await server.api.validateToken({ token: fresh.accessToken })).clientId).to.equal(client.id);
      expect(await failure(server.api.validateToken({ token: session.accessToken }))).to.include({ reason: 'SESSION_REVOKED' });
    });
  });

  describe('as the API gateway sees it', () => {
    it('verifies the JWT with the shared secret, sees GET <id> after a suspension, and hears the deletion on the channel', async () => {
      const deletions = await listen(redisUrl, server.config.deletionChannels[0]!);
      try {
        const { session } = await registerAndLogin();
        const claims = jwt.verify(session.accessToken, TEST_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
        const id = claims['id'] as string;
        expect(await server.redis.get(id)).to.equal(null);

        await server.api.suspendClient({ clientId: id, reason: 'abuse' }, { token: adminToken });
        expect(await server.redis.get(id)).to.equal('suspended');
        expect(await server.redis.pttl(id)).to.equal(-1);

        await server.api.deleteClient({ clientId: id }, { token: adminToken });
        expect(await eventually(() => (deletions.messages.includes(id) ? true : undefined))).to.equal(true);
        expect(await server.redis.get(id)).to.equal('deleted');
      } finally {
        deletions.close();
      }
    });
  });

  describe('DeleteClient', () => {
    it('lets a client delete itself: record and sessions go, tokens die at once, the request reaches stream and channel', async () => {
      const deletions = await listen(redisUrl, server.config.deletionChannels[0]!);
      try {
        const { client, session } = await registerAndLogin();
        const { deletionRequest } = await server.api.deleteClient({ clientId: '' }, { token: session.accessToken });
        expect(deletionRequest).to.deep.include({ clientId: client.id, kind: ClientKind.CLIENT_KIND_USER, requestedBy: client.id, delivered: true });

        expect(await failure(server.api.validateToken({ token: session.accessToken }))).to.include({ reason: 'CLIENT_DELETED' });
        expect(await failure(server.api.login({ email: client.email, password: PASSWORD }))).to.include({ reason: 'INVALID_CREDENTIALS' });
        expect(await failure(server.api.refreshToken({ refreshToken: session.refreshToken }))).to.include({ reason: 'TOKEN_INVALID' });
        expect(await server.db.collection('clients').countDocuments({ _id: client.id as never })).to.equal(0);
        expect(await server.db.collection('sessions').countDocuments({ clientId: client.id })).to.equal(0);

        const ttl = await server.redis.pttl(client.id);
        expect(ttl).to.be.within(14 * 60 * 1000, 15 * 60 * 1000);
        const entries = await server.redis.xrange(server.config.deletionStream, '-', '+');
        const entry = entries.map(([, fields]) => toObject(fields)).find((fields) => fields['client_id'] === client.id);
        expect(entry).to.include({ client_id: client.id, kind: 'user', requested_by: client.id });
        expect(Date.parse(entry!['requested_at']!)).to.be.closeTo(Date.now(), 10000);
        await eventually(() => (deletions.messages.includes(client.id) ? true : undefined));
      } finally {
        deletions.close();
      }
    });

    it('lets an admin delete anyone and nobody else delete another client', async () => {
      const victim = await registerAndLogin();
      const other = await registerAndLogin();
      expect(await failure(server.api.deleteClient({ clientId: victim.client.id }, { token: other.session.accessToken }))).to.include({
        code: status.PERMISSION_DENIED,
      });
      const { deletionRequest } = await server.api.deleteClient({ clientId: victim.client.id }, { token: adminToken });
      expect(deletionRequest!.requestedBy).to.equal(adminId);
      expect(await failure(server.api.deleteClient({ clientId: victim.client.id }, { token: adminToken }))).to.include({
        code: status.NOT_FOUND,
        reason: 'CLIENT_NOT_FOUND',
      });
      const listed = await server.api.listDeletionRequests({ pageSize: 10, pendingOnly: false }, { token: adminToken });
      expect(listed.deletionRequests[0]).to.deep.include({ clientId: victim.client.id, requestedBy: adminId, delivered: true });
    });

    it("changes a password while Redis is down: the change stands and the other sessions' refresh tokens die", async function () {
      requireRedisControl(this);
      const { client, session } = await registerAndLogin();
      const other = await server.api.login({ email: client.email, password: PASSWORD });
      await stopRedis();
      try {
        await server.api.changePassword({ currentPassword: PASSWORD, newPassword: 'changed while redis was down' }, { token: session.accessToken });
        expect(await failure(server.api.refreshToken({ refreshToken: other.refreshToken }))).to.include({ reason: 'SESSION_REVOKED' });
      } finally {
        await startRedis();
      }
      expect(await failure(server.api.login({ email: client.email, password: PASSWORD }))).to.include({ reason: 'INVALID_CREDENTIALS' });
      await server.api.login({ email: client.email, password: 'changed while redis was down' });
    });

    it('logs out while Redis is down: the session is revoked in the store, so its refresh token stops rotating', async function () {
      requireRedisControl(this);
      const { session } = await registerAndLogin();
      await stopRedis();
      try {
        expect(await failure(server.api.logout({}, { token: session.accessToken }))).to.include({ code: status.UNAVAILABLE });
        expect(await failure(server.api.refreshToken({ refreshToken: session.refreshToken }))).to.include({ reason: 'SESSION_REVOKED' });
      } finally {
        await startRedis();
      }
      expect(await failure(server.api.refreshToken({ refreshToken: session.refreshToken }))).to.include({ reason: 'SESSION_REVOKED' });
    });

    it('loses nothing while Redis is down: the caller succeeds, validation fails closed, and the request arrives once Redis is back', async function () {
      requireRedisControl(this);
      const { client, session } = await registerAndLogin();
      await stopRedis();
      let restarted = false;
      try {
        const { deletionRequest } = await server.api.deleteClient({ clientId: '' }, { token: session.accessToken });
        expect(deletionRequest).to.deep.include({ clientId: client.id, delivered: false });
        expect(await server.db.collection('clients').countDocuments({ _id: client.id as never })).to.equal(0);
        // Admin calls check the caller against the stores while the revocation list is down...
        const pending = await server.api.listDeletionRequests({ pageSize: 5, pendingOnly: true }, { token: adminToken });
        expect(pending.deletionRequests.map((r) => [r.clientId, r.delivered])).to.deep.include([client.id, false]);
        // ...but the gateway's check reads no store, so it fails closed.
        expect(await failure(server.api.validateToken({ token: session.accessToken }))).to.include({ code: status.UNAVAILABLE, reason: 'UNAVAILABLE' });
        expect(await failure(server.api.validateToken({ token: adminToken }))).to.include({ code: status.UNAVAILABLE, reason: 'UNAVAILABLE' });
        expect(await server.db.collection('outbox').countDocuments({ clientId: client.id, deliveredAt: null })).to.equal(1);

        // Hold the relay while Redis comes back, so the test's subscriber is listening first.
        await server.app.relay.stop();
        await startRedis();
        restarted = true;
        const deletions = await listen(redisUrl, server.config.deletionChannels[0]!);
        try {
          server.app.relay.start(200);
          await eventually(() => (deletions.messages.includes(client.id) ? true : undefined), { timeoutMs: 15000 });
        } finally {
          deletions.close();
        }
        const entries = await server.redis.xrange(server.config.deletionStream, '-', '+');
        expect(entries.map(([, fields]) => toObject(fields)).filter((fields) => fields['client_id'] === client.id)).to.have.length(1);
        // The relay marks the entry delivered just after publishing it: give it that moment.
        const pendingLeft = () => server.db.collection('outbox').countDocuments({ clientId: client.id, deliveredAt: null });
        expect(await eventually(pendingLeft, { until: (left: number) => left === 0, what: 'the entry to be marked delivered' })).to.equal(0);
        // Once re-synced, the instance answers from memory again, and the id is on the list.
        const reason = await eventually(
          async () => {
            const failed = await failure(server.api.validateToken({ token: session.accessToken })).catch(() => undefined);
            return failed?.reason === 'CLIENT_DELETED' ? failed.reason : undefined;
          },
          { timeoutMs: 10000 },
        );
        expect(reason).to.equal('CLIENT_DELETED');
      } finally {
        if (!restarted) await startRedis();
      }
    });
  });
});

function toObject(fields: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) result[fields[i]!] = fields[i + 1]!;
  return result;
}
