import { expect } from 'chai';
import { createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { eventually } from '../../support/eventually.js';
import { logSummary } from '../../support/log-summary.js';
import { type RedisSentinelSetUp, redisTools, startRedisSentinels } from '../../support/redis-topologies.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { skipOrFailInCI } from '../../support/skip-or-fail.js';

const PASSWORD = 'correct horse battery';
/** The master and replica, and the sentinels, each require their own password. */
const PASSWORDS = { data: 'data-password-2f9c', sentinel: 'sentinel-password-7d1e' };
const DELETIONS = 12;
/** Deletions answered before the master is killed; the rest are made during and after the failover. */
const DELETIONS_BEFORE_KILL = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis Sentinel, passwords on the data nodes and on the sentinels: the master is killed while ValidateToken and DeleteClient calls stream in', function () {
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
      testEnv(services, 'sentinel', {
        REDIS_URL: '',
        REDIS_SENTINELS: sentinel.sentinels.map((node) => `${node.host}:${node.port}`).join(','),
        REDIS_SENTINEL_NAME: sentinel.name,
        REDIS_PASSWORD: PASSWORDS.data,
        REDIS_SENTINEL_PASSWORD: PASSWORDS.sentinel,
        OUTBOX_RELAY_INTERVAL_MS: '200',
      }),
    );
  });
  after(async () => {
    await server?.close();
    await sentinel?.stop();
  });

  it('serves again after the failover without a restart, loses no deletion request, and reports the time without service', async () => {
    const api = server!.api;
    // No retries on the measuring client: every refusal the service gives is counted.
    const probe = createClientAuthClient(server!.address, { retry: false, deadlineMs: 2000 });
    const register = async (label: string) => {
      const email = `${label}${Date.now()}${Math.random().toString(36).slice(2, 8)}@example.com`;
      const { client } = await api.registerUser({ email, password: PASSWORD });
      const { accessToken } = await api.login({ email, password: PASSWORD });
      return { id: client!.id, token: accessToken };
    };
    const watcher = await register('watcher');
    // One at a time: at once, on a loaded machine, the service's password-hashing limit refuses some (RESOURCE_EXHAUSTED).
    const doomed: { id: string; token: string }[] = [];
    for (let i = 0; i < DELETIONS; i++) doomed.push(await register(`doomed${i}`));

    let streaming = true;
    const validations: { at: number; ok: boolean }[] = [];
    const validating = (async () => {
      while (streaming) {
        const at = Date.now();
        const ok = await probe.validateToken({ token: watcher.token }).then(
          () => true,
          () => false,
        );
        validations.push({ at, ok });
        await sleep(20);
      }
    })();

    let killedAt = 0;
    const answered: string[] = [];
    const deadline = Date.now() + 60_000;
    try {
      for (const user of doomed) {
        if (answered.length === DELETIONS_BEFORE_KILL) {
          sentinel!.killMaster();
          killedAt = Date.now();
        }
        // As a caller would: the client retries UNAVAILABLE itself; past that, try again until the deadline.
        for (;;) {
          const ok = await api.deleteClient({}, { token: user.token }).then(
            () => true,
            () => false,
          );
          if (ok) break;
          expect(Date.now(), `DeleteClient of ${user.id} still failing 60 s on`).to.be.below(deadline);
          await sleep(100);
        }
        answered.push(user.id);
        await sleep(100);
      }
      // A sentinel on a starved machine enters TILT mode for 30 s and holds the failover back;
      // the bound leaves room for that, while the figure printed is the real time without service.
      await eventually(() => validations.some((v) => v.at > killedAt && v.ok) && validations.at(-1)!.ok, {
        timeoutMs: 100_000,
        what: 'ValidateToken to succeed again after the failover',
      }).catch(async (error: Error) => {
        // What the sentinels did and what the service logged: the reason is in one of them.
        const named = await sentinel!.currentMasterPort().catch((failed: Error) => failed.message);
        error.message +=
          `\nthe sentinels name ${named} as master (the replica is ${sentinel!.replica.port})` +
          `\n${sentinel!.logTails()}\n--- client-auth\n${logSummary(server!.logs, 40)}`;
        throw error;
      });
    } finally {
      streaming = false;
      await validating;
      probe.close();
    }

    // The sentinels agree on the promoted replica (the one asked may learn of it a moment after the leader).
    await eventually(() => sentinel!.currentMasterPort(), {
      until: (port: number) => port === sentinel!.replica.port,
      timeoutMs: 15_000,
      what: 'the sentinels to name the replica as master',
    });
    const afterKill = validations.filter((v) => v.at >= killedAt);
    const firstFailure = afterKill.find((v) => !v.ok);
    const lastFailure = afterKill.filter((v) => !v.ok).at(-1);
    const recovered = lastFailure ? afterKill.find((v) => v.at > lastFailure.at && v.ok) : afterKill[0];
    const withoutServiceMs = firstFailure && recovered ? recovered.at - firstFailure.at : 0;
    console.log(
      `      Sentinel failover: ${afterKill.filter((v) => !v.ok).length} of ${afterKill.length} ValidateToken calls refused after the kill; ` +
        `time without service ${withoutServiceMs} ms (kill to first success after the last refusal: ${recovered ? recovered.at - killedAt : '?'} ms)`,
    );

    // Every deletion that was answered is on the new master's stream (the relay retries what the outage held back).
    const stream = server!.config.deletionStream;
    const redis = server!.redis;
    const streamed = await eventually(async () => (await redis.xrange(stream, '-', '+')).map(([, fields]) => fields[fields.indexOf('client_id') + 1]), {
      until: (ids: (string | undefined)[]) => answered.every((id) => ids.includes(id)),
      timeoutMs: 20_000,
      what: 'every answered deletion request on the stream of the new master',
    });
    expect(answered).to.have.length(DELETIONS);
    expect(streamed).to.include.members(answered);

    // The refilled revocation list refuses the deleted clients' tokens; the survivor's still works.
    const refusedAfter = await api.validateToken({ token: doomed[0]!.token }).then(
      () => 'accepted',
      (error: { code: number }) => error.code,
    );
    expect(refusedAfter).to.not.equal('accepted');
    expect((await api.validateToken({ token: watcher.token })).clientId).to.equal(watcher.id);
  });
});
