/**
 * A Redis that is only unreachable from one instance (a network cut, its data kept): a
 * logout and a suspension made through that instance meanwhile reach the stores but not
 * Redis. When the link comes back, nothing may let their tokens through, on any instance
 * or watcher.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { expect } from 'chai';
import { errorDetailOf } from '../../../src/sdk/error-details.js';
import { RevocationWatcher } from '../../../src/sdk/revocation-watcher.js';
import { type ClientAuthPromiseClient, createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { eventually } from '../../support/eventually.js';
import { claimsOf } from '../../support/jws.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'unreachable-admin@example.com', password: 'admin password 1' };

/** What ValidateToken answers, as a word: OK, or the reason of its refusal. */
function answerOf(api: ClientAuthPromiseClient, token: string): Promise<string> {
  return api.validateToken({ token }).then(
    () => 'OK',
    (error: ServiceError) => errorDetailOf(error)?.reason ?? `code ${error.code}`,
  );
}

describe('A Redis only unreachable from one instance while a logout and a suspension go through it', function () {
  this.timeout(90_000);
  let link: TcpProxy;
  /** Reaches Redis through the link the test cuts. */
  let cut: TestServer;
  /** Reaches Redis directly all along. */
  let other: TestServer;
  let probe: ClientAuthPromiseClient;

  before(async function () {
    const services = requireServices(this);
    const url = new URL(services.redisUrl);
    link = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    // The relay's pass is far away, so what puts the suspension back is the instance itself.
    const env = testEnv(services, 'unreachable', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, OUTBOX_RELAY_INTERVAL_MS: '600000' });
    cut = await startTestServer({ ...env, REDIS_URL: `redis://${link.address}` });
    other = await startTestServer(env);
    // No retries: every answer the service gives is seen.
    probe = createClientAuthClient(cut.address, { retry: false, deadlineMs: 3000 });
  });
  after(async () => {
    probe?.close();
    await cut?.close();
    await other?.close();
    await link?.close();
  });

  it('refuses both tokens from the moment the link is back, on both instances, and tells a watcher of the logout', async () => {
    const adminToken = (await cut.api.login(ADMIN)).accessToken;
    let counter = 0;
    const user = async () => {
      const email = `unreachable${++counter}.${Date.now()}@example.com`;
      const { client } = await cut.api.registerUser({ email, password: PASSWORD });
      const { accessToken } = await cut.api.login({ email, password: PASSWORD });
      return { id: client!.id, token: accessToken };
    };
    const [loggedOut, suspended, bystander] = [await user(), await user(), await user()];
    const watcher = new RevocationWatcher(other.api, { token: adminToken, retryMs: 100 });
    await watcher.start();
    try {
      await link.cut();
      await eventually(() => answerOf(probe, bystander.token), {
        until: (answer: string) => answer === 'UNAVAILABLE',
        what: 'the cut instance to fail closed',
      });

      // The logout is recorded in the store, then fails on the list (the browser may never retry).
      const logout = await probe.logout({}, { token: loggedOut.token }).then(
        () => 'OK',
        (error: ServiceError) => errorDetailOf(error)?.reason,
      );
      expect(logout).to.equal('UNAVAILABLE');
      const stored = await cut.db.collection<{ _id: string; revokedAt: Date | null }>('sessions').findOne({ _id: claimsOf(loggedOut.token)['sid'] as string });
      expect(stored?.revokedAt).to.be.instanceOf(Date);
      // The suspension is acknowledged: it waits in the outbox.
      await probe.suspendClient({ clientId: suspended.id, reason: 'while cut' }, { token: adminToken });

      await link.restore();
      const seen = { loggedOut: new Set<string>(), suspended: new Set<string>() };
      await eventually(
        async () => {
          seen.loggedOut.add(await answerOf(probe, loggedOut.token));
          seen.suspended.add(await answerOf(probe, suspended.token));
          return answerOf(probe, bystander.token);
        },
        { until: (answer: string) => answer === 'OK', timeoutMs: 30_000, intervalMs: 5, what: 'the cut instance to serve again' },
      );
      seen.loggedOut.add(await answerOf(probe, loggedOut.token));
      seen.suspended.add(await answerOf(probe, suspended.token));
      expect([...seen.loggedOut].sort()).to.deep.equal(['SESSION_REVOKED', 'UNAVAILABLE']);
      expect([...seen.suspended].sort()).to.deep.equal(['CLIENT_SUSPENDED', 'UNAVAILABLE']);

      // The other instance never heard of the logout until the cut one put it back.
      expect(await eventually(() => answerOf(other.api, loggedOut.token), { until: (answer: string) => answer !== 'OK' })).to.equal('SESSION_REVOKED');
      await eventually(() => watcher.revoked(claimsOf(loggedOut.token)), { what: 'the watcher to mark the logged-out session' });
      expect(await answerOf(other.api, bystander.token)).to.equal('OK');
    } finally {
      watcher.stop();
    }
  });
});
