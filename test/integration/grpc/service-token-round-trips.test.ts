/**
 * What a client-credentials exchange costs Redis on the shared set-up (issue #33): the
 * source's count of wrong secrets read, and the audit stream entry, in as few commands as
 * Redis counts them (INFO commandstats; a script's own commands count).
 */
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { freshEmail, sourceIp } from '../../support/attacks.js';
import { eventually } from '../../support/eventually.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

const ADMIN = { email: 'service-round-trips-admin@example.com', password: 'an admin password for round trips' };
/** The counting itself and the connections' set-up, not a request's work. */
const NOT_COUNTED = new Set(['info', 'ping', 'client', 'hello', 'select', 'subscribe', 'psubscribe', 'config', 'xrange']);

/** Every command Redis has run so far, but for NOT_COUNTED. */
async function commandsRun(redis: Redis): Promise<number> {
  let total = 0;
  for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (!NOT_COUNTED.has(match[1]!.split('|')[0]!)) total += Number(match[2]);
  }
  return total;
}

describe('IssueServiceToken round trips to Redis (FerretDB and Redis)', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async function () {
    server = await startTestServer(testEnv(requireServices(this), 'service_round_trips', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
  });
  after(async () => server?.close());

  it("sends 2 Redis commands for a right secret: the read of the source's wrong secrets and the audit entry", async () => {
    const adminToken = (await server.api.login(ADMIN, { clientIp: sourceIp(120) })).accessToken;
    const service = await server.api.registerService({ email: freshEmail('svc'), name: 'billing', groups: [] }, { token: adminToken });
    const credentials = { clientId: service.client!.id, clientSecret: service.clientSecret };
    const issue = () => server.api.issueServiceToken(credentials, { clientIp: sourceIp(121) });
    /** The stream's service-token entries: the audit batches land shortly after each answer. */
    const issued = async () =>
      (await server.redis.xrange(server.config.audit.stream, '-', '+')).filter(([, fields]) => fields.includes('service_token.issued')).length;
    const landed = (count: number) => eventually(issued, { until: (n: number) => n === count, what: `${count} service-token audit entries` });
    await issue();
    await landed(1);
    const tokens = 20;
    const before = await commandsRun(server.redis);
    for (let i = 0; i < tokens; i++) expect((await issue()).accessToken).to.be.a('string');
    await landed(1 + tokens);
    const perToken = ((await commandsRun(server.redis)) - before) / tokens;
    // A GET of the source's count and the audit entry's XADD (ADR 0022). Before, the limit was
    // taken in a script of 4 (EVALSHA, SET NX, INCRBY, PTTL) and given back in one of 3: 8.
    expect(perToken).to.be.at.most(2.2);
  });
});
