/**
 * Suspensions acknowledged while a Sentinel-managed master is down. The promoted replica
 * never heard of them, yet holds the refill marker it copied: from the moment the service
 * reconnects to it until the list is refilled, a check that trusted it would let every one
 * of those clients through. Not one ValidateToken may answer OK for them.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { expect } from 'chai';
import { errorDetailOf } from '../../../src/sdk/error-details.js';
import { type ClientAuthPromiseClient, createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { eventually } from '../../support/eventually.js';
import { logSummary } from '../../support/log-summary.js';
import { type RedisSentinelSetUp, redisTools, startRedisSentinels } from '../../support/redis-topologies.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { skipOrFailInCI } from '../../support/skip-or-fail.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'sentinel-admin@example.com', password: 'admin password 1' };
const PASSWORDS = { data: 'data-password-51aa', sentinel: 'sentinel-password-0c3e' };
const SUSPENDED = 8;

/** What ValidateToken answers, as a word: OK, or the reason of its refusal. */
function answerOf(api: ClientAuthPromiseClient, token: string): Promise<string> {
  return api.validateToken({ token }).then(
    () => 'OK',
    (error: ServiceError) => errorDetailOf(error)?.reason ?? `code ${error.code}`,
  );
}

describe('Redis Sentinel: suspensions acknowledged while the master is down', function () {
  this.timeout(180_000);
  let sentinel: RedisSentinelSetUp | undefined;
  let server: TestServer | undefined;

  before(async function () {
    this.timeout(90_000);
    const services = requireServices(this);
    const tools = redisTools();
    if (typeof tools === 'string') skipOrFailInCI(this, tools);
    sentinel = await startRedisSentinels(tools, PASSWORDS);
    server = await startTestServer(
      testEnv(services, 'sentinel_suspension', {
        REDIS_URL: '',
        REDIS_SENTINELS: sentinel.sentinels.map((node) => `${node.host}:${node.port}`).join(','),
        REDIS_SENTINEL_NAME: sentinel.name,
        REDIS_PASSWORD: PASSWORDS.data,
        REDIS_SENTINEL_PASSWORD: PASSWORDS.sentinel,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        // The relay's next pass is far away: what puts the suspensions back is the refill.
        OUTBOX_RELAY_INTERVAL_MS: '600000',
      }),
    );
  });
  after(async () => {
    await server?.close();
    await sentinel?.stop();
  });

  it('never validates their tokens after the service reconnects to the promoted replica', async () => {
    const api = server!.api;
    const probe = createClientAuthClient(server!.address, { retry: false, deadlineMs: 2000 });
    const adminToken = (await api.login(ADMIN)).accessToken;
    // One at a time: at once, on a loaded machine, the service's password-hashing limit refuses some (RESOURCE_EXHAUSTED).
    const users: { id: string; token: string }[] = [];
    for (let i = 0; i < SUSPENDED; i++) {
      const email = `sentinel-suspended${i}.${Date.now()}@example.com`;
      const { client } = await api.registerUser({ email, password: PASSWORD });
      users.push({ id: client!.id, token: (await api.login({ email, password: PASSWORD })).accessToken });
    }
    const witness = users.pop()!;

    sentinel!.killMaster();
    await eventually(() => answerOf(probe, witness.token), {
      until: (answer: string) => answer !== 'OK',
      timeoutMs: 10_000,
      what: 'the service to notice the master is gone',
    });
    for (const user of users) await api.suspendClient({ clientId: user.id, reason: 'while the master is down' }, { token: adminToken });

    // Every suspended token, asked over and over, until the service validates again.
    const answers = new Map<string, number>();
    const count = (answer: string) => answers.set(answer, (answers.get(answer) ?? 0) + 1);
    try {
      await eventually(
        async () => {
          for (const answer of await Promise.all(users.map((user) => answerOf(probe, user.token)))) count(answer);
          return answerOf(probe, witness.token);
        },
        { until: (answer: string) => answer === 'OK', timeoutMs: 90_000, intervalMs: 0, what: 'the service to validate again after the failover' },
      ).catch(async (error: Error) => {
        // What the sentinels did and what the service logged: the reason is in one of them.
        const named = await sentinel!.currentMasterPort().catch((failed: Error) => failed.message);
        error.message +=
          `\nthe sentinels name ${named} as master (the replica is ${sentinel!.replica.port})` +
          `\n${sentinel!.logTails()}\n--- client-auth\n${logSummary(server!.logs, 40)}`;
        throw error;
      });
      for (let round = 0; round < 20; round++) for (const answer of await Promise.all(users.map((user) => answerOf(probe, user.token)))) count(answer);
    } finally {
      probe.close();
    }
    console.log(`      answers to the suspended tokens from the kill on: ${JSON.stringify(Object.fromEntries(answers))}`);
    expect(answers.get('OK') ?? 0, 'suspended tokens validated').to.equal(0);
    expect(answers.get('CLIENT_SUSPENDED') ?? 0).to.be.greaterThan(0);
  });
});
