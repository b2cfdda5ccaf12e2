/**
 * The per-source limit on service secrets across two instances sharing FerretDB and Redis
 * (ADR 0022): a wrong secret is counted in Redis as it is found wrong, so every instance
 * refuses a source that reached the limit anywhere; guesses checked at the same moment on
 * both instances are held to the limit on each.
 */
import { expect } from 'chai';
import { burst, freshEmail, outcomeOf, sourceIp } from '../../support/attacks.js';
import { startRedis, stopRedis } from '../../support/redis-process.js';
import { dbNameOf, startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireRedisControl, requireServices } from '../../support/services.js';

const SERVICE_TOKEN_IP_MAX = 4;
const ADMIN = { email: 'service-limit-instances-admin@example.com', password: 'an admin password for two instances' };

describe('The service-token limit on two instances sharing FerretDB and Redis', function () {
  this.timeout(60_000);
  let first: TestServer;
  let second: TestServer;
  let credentials: { clientId: string; clientSecret: string };

  before(async function () {
    const services = requireServices(this);
    const limits = { SERVICE_TOKEN_IP_MAX_FAILURES: String(SERVICE_TOKEN_IP_MAX) };
    first = await startTestServer(testEnv(services, 'service_limit_instances', { ...limits, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
    second = await startTestServer({ ...testEnv(services, 'service_limit_instances_2', limits), DB_NAME: dbNameOf(first.config) });
    const adminToken = (await first.api.login(ADMIN, { clientIp: sourceIp(130) })).accessToken;
    const service = await first.api.registerService({ email: freshEmail('svc'), name: 'billing', groups: [] }, { token: adminToken });
    credentials = { clientId: service.client!.id, clientSecret: service.clientSecret };
  });
  after(async () => {
    await second?.close();
    await first?.close();
  });

  const issue = (server: TestServer, source: string, clientSecret = credentials.clientSecret) =>
    outcomeOf(server.api.issueServiceToken({ ...credentials, clientSecret }, { clientIp: source }));

  it('refuses on one instance a source whose wrong secrets reached the limit on the other, and costs nothing for right ones', async () => {
    const source = sourceIp(131);
    for (let i = 0; i < SERVICE_TOKEN_IP_MAX * 3; i++) expect((await issue(i % 2 === 0 ? first : second, source)).reason).to.equal('OK');
    for (let i = 0; i < SERVICE_TOKEN_IP_MAX; i++) expect((await issue(first, source, 'not the secret')).reason).to.equal('INVALID_CREDENTIALS');
    expect((await issue(second, source)).reason).to.equal('TOO_MANY_ATTEMPTS');
    expect((await issue(second, source, 'not the secret')).reason).to.equal('TOO_MANY_ATTEMPTS');
    expect((await issue(second, sourceIp(132))).reason).to.equal('OK');
  });

  it('checks no more wrong secrets than the limit on each instance when a burst is spread over both, then refuses the source on both', async () => {
    const source = sourceIp(133);
    const guesses = await burst(SERVICE_TOKEN_IP_MAX * 6, (index) =>
      (index % 2 === 0 ? first : second).api.issueServiceToken({ ...credentials, clientSecret: 'not the secret' }, { clientIp: source }),
    );
    const checked = guesses.tally['INVALID_CREDENTIALS'] ?? 0;
    expect(checked).to.be.within(SERVICE_TOKEN_IP_MAX, SERVICE_TOKEN_IP_MAX * 2);
    expect(checked + (guesses.tally['TOO_MANY_ATTEMPTS'] ?? 0)).to.equal(SERVICE_TOKEN_IP_MAX * 6);
    for (const server of [first, second]) expect((await issue(server, source)).reason).to.equal('TOO_MANY_ATTEMPTS');
  });

  it("goes on counting wrong secrets in the instance's memory while Redis is down, and issues for a right one", async function () {
    requireRedisControl(this);
    const source = sourceIp(134);
    await stopRedis();
    const outcomes: string[] = [];
    try {
      for (let i = 0; i < SERVICE_TOKEN_IP_MAX + 1; i++) outcomes.push((await issue(first, source, 'not the secret')).reason);
      outcomes.push((await issue(first, source)).reason);
      outcomes.push((await issue(first, sourceIp(135))).reason);
    } finally {
      await startRedis();
    }
    expect(outcomes).to.deep.equal([...Array(SERVICE_TOKEN_IP_MAX).fill('INVALID_CREDENTIALS'), 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS', 'OK']);
  });
});
