/**
 * The orderings of a Sentinel failover that a loaded machine produces, each forced step by
 * step with real processes: a sentinel that is slow to answer (a TCP proxy in front of it
 * holds its replies) while the sentinels announce the new master. The service must validate
 * again within a few seconds of the new master being reachable, on its own.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { errorDetailOf } from '../../../src/sdk/error-details.js';
import { type ClientAuthPromiseClient, createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { eventually } from '../../support/eventually.js';
import { logSummary } from '../../support/log-summary.js';
import { type RedisSentinelSetUp, redisTools, startRedisSentinels } from '../../support/redis-topologies.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { skipOrFailInCI } from '../../support/skip-or-fail.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

const PASSWORD = 'correct horse battery';
const PASSWORDS = { data: 'data-password-90be', sentinel: 'sentinel-password-4c7a' };
/** Once the new master is reachable, the service validates again within this (a refill included). */
const RECOVERY_MS = 20_000;

/** What ValidateToken answers, as a word: OK, or the reason of its refusal. */
function answerOf(api: ClientAuthPromiseClient, token: string): Promise<string> {
  return api.validateToken({ token }).then(
    () => 'OK',
    (error: ServiceError) => errorDetailOf(error)?.reason ?? `code ${error.code}`,
  );
}

describe('Redis Sentinel: a failover announced while the service is asking a slow sentinel for the master', function () {
  this.timeout(180_000);
  let sentinel: RedisSentinelSetUp | undefined;
  let server: TestServer | undefined;
  let probe: ClientAuthPromiseClient | undefined;
  /** In front of the first sentinel the service asks; the other two it reaches directly. */
  let slowSentinel: TcpProxy | undefined;

  beforeEach(async function () {
    this.timeout(90_000);
    const services = requireServices(this);
    const tools = redisTools();
    if (typeof tools === 'string') skipOrFailInCI(this, tools);
    sentinel = await startRedisSentinels(tools, PASSWORDS);
    slowSentinel = await startTcpProxy(sentinel.sentinels[0]!);
    server = await startTestServer(
      testEnv(services, 'sentinel_reconnect', {
        REDIS_URL: '',
        REDIS_SENTINELS: [slowSentinel.address, ...sentinel.sentinels.slice(1).map((node) => `${node.host}:${node.port}`)].join(','),
        REDIS_SENTINEL_NAME: sentinel.name,
        REDIS_PASSWORD: PASSWORDS.data,
        REDIS_SENTINEL_PASSWORD: PASSWORDS.sentinel,
      }),
    );
    probe = createClientAuthClient(server.address, { retry: false, deadlineMs: 2000 });
  });
  afterEach(async () => {
    probe?.close();
    await server?.close();
    await slowSentinel?.close();
    await sentinel?.stop();
  });

  /** Kills the master while the first sentinel holds its replies, and returns once every sentinel names the replica (each has announced it). */
  async function failOverBehindSlowSentinel(token: string): Promise<void> {
    expect(await answerOf(probe!, token)).to.equal('OK');
    slowSentinel!.stall();
    sentinel!.killMaster();
    await eventually(() => answerOf(probe!, token), {
      until: (answer: string) => answer !== 'OK',
      timeoutMs: 10_000,
      what: 'the service to notice the master is gone',
    });
    for (let index = 0; index < 3; index++) {
      await eventually(() => sentinel!.currentMasterPort(index), {
        until: (port: number) => port === sentinel!.replica.port,
        timeoutMs: 60_000,
        what: `sentinel ${index} to name the replica as master`,
      });
    }
  }

  async function register(): Promise<string> {
    const email = `sentinel-reconnect${Date.now()}${Math.random().toString(36).slice(2, 8)}@example.com`;
    await server!.api.registerUser({ email, password: PASSWORD });
    return (await server!.api.login({ email, password: PASSWORD })).accessToken;
  }

  async function validatesAgain(token: string, what: string): Promise<void> {
    await eventually(() => answerOf(probe!, token), { until: (answer: string) => answer === 'OK', timeoutMs: RECOVERY_MS, what }).catch(
      async (error: Error) => {
        error.message += `\n${sentinel!.logTails()}\n--- client-auth\n${logSummary(server!.logs, 40)}`;
        throw error;
      },
    );
  }

  it('validates again once the slow sentinel answers, though the announcement came while the service waited for it', async () => {
    const token = await register();
    await failOverBehindSlowSentinel(token);
    // The sentinel answers at last (with the new master); the announcement has come meanwhile.
    slowSentinel!.release();
    await validatesAgain(token, 'ValidateToken to succeed again once the slow sentinel answered');

    // A connection the service closes stays closed: none is opened again on the new master.
    const master = new Redis({ host: '127.0.0.1', port: sentinel!.replica.port, password: PASSWORDS.data, lazyConnect: true, connectionName: 'test-observer' });
    try {
      const serviceConnections = async () =>
        // Every client but the sentinels' links and this one (named by CLIENT SETNAME).
        String(await master.call('CLIENT', 'LIST'))
          .split('\n')
          .filter((line) => line.startsWith('id=') && !/ name=(sentinel-|test-observer )/.test(line)).length;
      expect(await serviceConnections()).to.be.greaterThan(0);
      await server!.close();
      server = undefined;
      await eventually(serviceConnections, { until: (count: number) => count === 0, timeoutMs: 10_000, what: "the service's connections to close" });
      // Longer than the reopening's delay: a connection reopened by mistake would be back by now.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await serviceConnections()).to.equal(0);
    } finally {
      master.disconnect();
    }
  });

  it('validates again while the slow sentinel never answers: the others are asked', async () => {
    const token = await register();
    await failOverBehindSlowSentinel(token);
    await validatesAgain(token, 'ValidateToken to succeed again while one sentinel holds its answers');
  });
});
