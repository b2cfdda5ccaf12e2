/**
 * WatchRevocations when the feed's history is lost: Redis restarted empty while a watcher
 * was away (or connected), or the embedded instance restarted. A cursor from before the
 * loss cannot be honoured: the watcher must get a fresh snapshot, never a silent jump.
 */
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import type { WatchRevocationsResponse } from '../../../gen/clientauth/v1/revocation_feed.js';
import { RevocationWatcher } from '../../../src/sdk/revocation-watcher.js';
import { type ClientAuthPromiseClient, createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { eventually } from '../../support/eventually.js';
import { claimsOf } from '../../support/jws.js';
import { startRedis, stopRedis } from '../../support/redis-process.js';
import { embeddedEnv, startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireRedisControl, requireServices } from '../../support/services.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'feed-loss-admin@example.com', password: 'admin password 1' };

/** A raw WatchRevocations stream, its messages collected as they come. */
function openStream(api: ClientAuthPromiseClient, token: string, cursor = '') {
  const messages: WatchRevocationsResponse[] = [];
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const call = api.raw.watchRevocations({ cursor }, metadata);
  const ended = new Promise<ServiceError | null>((resolve) => {
    call.on('error', (error: ServiceError) => resolve(error));
    call.on('end', () => resolve(null));
  });
  call.on('data', (message: WatchRevocationsResponse) => messages.push(message));
  const first = () => eventually(() => messages[0], { timeoutMs: 10_000, what: 'the first message of the stream' });
  return { call, messages, ended, first };
}

/** The last cursor a stream carried. */
function lastCursor(messages: WatchRevocationsResponse[]): string {
  const message = messages.at(-1)?.message;
  if (!message) throw new Error('the stream carried nothing');
  return message.value.cursor;
}

/** The ids of a snapshot's suspended clients and revoked sessions, or null when the message is not a snapshot. */
function snapshotOf(response: WatchRevocationsResponse): { suspended: string[]; sessions: string[] } | null {
  if (response.message?.$case !== 'snapshot') return null;
  const { suspendedClients, revokedSessions } = response.message.value;
  return { suspended: suspendedClients.map((entry) => entry.id), sessions: revokedSessions.map((entry) => entry.id) };
}

describe('WatchRevocations after Redis restarted empty (FerretDB and Redis)', function () {
  this.timeout(90_000);
  let server: TestServer;
  let adminToken: string;
  let counter = 0;

  before(async function () {
    requireRedisControl(this);
    server = await startTestServer(
      testEnv(requireServices(this), 'feed_loss', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, WATCH_HEARTBEAT_SEC: '1' }),
    );
    adminToken = (await server.api.login(ADMIN)).accessToken;
  });
  after(async () => server?.close());

  const user = async () => {
    const email = `feedloss${++counter}.${Date.now()}@example.com`;
    const { client } = await server.api.registerUser({ email, password: PASSWORD });
    const { accessToken } = await server.api.login({ email, password: PASSWORD });
    return { id: client!.id, token: accessToken, sid: claimsOf(accessToken)['sid'] as string };
  };
  /** Restarts Redis without its data, and waits until the service validates tokens again (it has refilled the list). */
  const loseRedisData = async () => {
    await stopRedis();
    await startRedis();
    await eventually(
      () =>
        server.api.validateToken({ token: adminToken }).then(
          () => true,
          () => false,
        ),
      {
        timeoutMs: 30_000,
        intervalMs: 50,
        what: 'the service to validate again after the restart',
      },
    );
  };

  it('answers a raw stream resumed with a cursor from before the loss with a fresh snapshot holding what changed in the gap', async () => {
    const before = openStream(server.api, adminToken);
    await before.first();
    before.call.cancel();
    const cursor = lastCursor(before.messages);
    const suspended = await user();
    const loggedOut = await user();
    await server.api.suspendClient({ clientId: suspended.id, reason: 'in the gap' }, { token: adminToken });
    await server.api.logout({}, { token: loggedOut.token });

    await loseRedisData();

    const resumed = openStream(server.api, adminToken, cursor);
    const snapshot = snapshotOf(await resumed.first());
    resumed.call.cancel();
    expect(snapshot, 'the first message after resuming').to.not.equal(null);
    expect(snapshot!.suspended).to.include(suspended.id);
    expect(snapshot!.sessions).to.include(loggedOut.sid);
  });

  it('brings a RevocationWatcher that was away during the loss up to date: it marks the suspension and the logout made while it was away', async () => {
    const [host, port] = server.address.split(':') as [string, string];
    const link = await startTcpProxy({ host, port: Number(port) });
    const api = createClientAuthClient(link.address);
    const watcher = new RevocationWatcher(api, { token: adminToken, retryMs: 100 });
    try {
      await watcher.start();
      await link.cut();
      const suspended = await user();
      const loggedOut = await user();
      await server.api.suspendClient({ clientId: suspended.id, reason: 'while away' }, { token: adminToken });
      await server.api.logout({}, { token: loggedOut.token });
      await loseRedisData();
      await link.restore();

      await eventually(() => watcher.revoked(claimsOf(suspended.token)) && watcher.revoked(claimsOf(loggedOut.token)), {
        timeoutMs: 10_000,
        what: 'the watcher to mark the suspension and the logout',
      });
      expect(watcher.revoked(claimsOf((await user()).token))).to.equal(false);
    } finally {
      watcher.stop();
      api.close();
      await link.close();
    }
  });

  it('ends a stream open across the loss with UNAVAILABLE, and its last cursor then resumes with a fresh snapshot', async () => {
    const stream = openStream(server.api, adminToken);
    await stream.first();
    const suspended = await user();
    await server.api.suspendClient({ clientId: suspended.id, reason: 'before the loss' }, { token: adminToken });
    await loseRedisData();

    const ended = await Promise.race([stream.ended, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 10_000))]);
    if (ended === 'still open') stream.call.cancel();
    expect(ended === 'still open' ? ended : ended?.code).to.equal(status.UNAVAILABLE);
    const resumed = openStream(server.api, adminToken, lastCursor(stream.messages));
    const snapshot = snapshotOf(await resumed.first());
    resumed.call.cancel();
    expect(snapshot?.suspended).to.include(suspended.id);
  });
});

describe('WatchRevocations after the embedded instance restarted', function () {
  this.timeout(30_000);

  it('answers a cursor from before the restart with a fresh snapshot holding what changed since', async () => {
    const env = embeddedEnv({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    let server = await startTestServer(env);
    try {
      const adminToken = (await server.api.login(ADMIN)).accessToken;
      const stream = openStream(server.api, adminToken);
      await stream.first();
      stream.call.cancel();
      const cursor = lastCursor(stream.messages);
      const { client } = await server.api.registerUser({ email: 'embedded-gap@example.com', password: PASSWORD });
      await server.api.suspendClient({ clientId: client!.id, reason: 'before the restart' }, { token: adminToken });
      await server.close();

      server = await startTestServer(env);
      const resumed = openStream(server.api, adminToken, cursor);
      const snapshot = snapshotOf(await resumed.first());
      resumed.call.cancel();
      expect(snapshot?.suspended).to.include(client!.id);
    } finally {
      await server.close();
    }
  });
});
