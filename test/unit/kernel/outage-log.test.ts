import { expect } from 'chai';
import { connectRedis } from '../../../src/adapters/redis/redis-connect.js';
import type { RedisClient } from '../../../src/adapters/redis/topology.js';
import { OutageLog } from '../../../src/domain/kernel/outage-log.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { eventually } from '../../support/eventually.js';
import { startRedis, stopRedis } from '../../support/redis-process.js';
import { recordingLogger } from '../../support/server.js';
import { requireRedisControl, requireServices } from '../../support/services.js';

const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as { level: string; msg: string; err?: string });

describe('Failures of background work', () => {
  it('are logged once when they start and once when the work succeeds again, not on every run', async () => {
    const lines: string[] = [];
    const outage = new OutageLog(recordingLogger(lines), 'session sweep');
    for (let run = 0; run < 5; run++) await outage.run(() => Promise.reject(new Error('connection refused')));
    await outage.run(() => undefined);
    await outage.run(() => undefined);
    await outage.run(() => {
      throw new Error('disk full');
    });
    expect(parsed(lines).map(({ level, msg, err }) => [level, msg, err])).to.deep.equal([
      ['warn', 'session sweep failing; logged again once it works', 'Error: connection refused'],
      ['info', 'session sweep works again', undefined],
      ['warn', 'session sweep failing; logged again once it works', 'Error: disk full'],
    ]);
    expect(JSON.parse(lines[1]!)).to.include({ failedRuns: 5 });
  });

  it('of a metrics source are logged once per outage, where a scrape used to drop them silently', async () => {
    const lines: string[] = [];
    let broken = true;
    const metrics = createMetrics(
      { outbox: { backlog: async () => (broken ? Promise.reject(new Error('outbox unreachable')) : 3) } },
      { log: recordingLogger(lines) },
    );
    for (let scrape = 0; scrape < 3; scrape++) expect(await metrics.registry.metrics()).to.match(/^clientauth_outbox_backlog Nan$/im);
    broken = false;
    expect(await metrics.registry.metrics()).to.match(/^clientauth_outbox_backlog 3$/m);
    expect(parsed(lines).map(({ level, err }) => [level, err])).to.deep.equal([
      ['warn', 'Error: outbox unreachable'],
      ['info', undefined],
    ]);
  });

  describe('of a Redis connection', () => {
    let redis: RedisClient | undefined;
    after(() => redis?.disconnect());

    it('are logged once when it is lost and once when it is back', async function () {
      this.timeout(30000);
      requireRedisControl(this);
      const lines: string[] = [];
      redis = await connectRedis({ kind: 'standalone', url: requireServices(this).redisUrl }, 5000, recordingLogger(lines), 'commands');
      await stopRedis();
      try {
        // Several reconnection attempts fail meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 1500));
      } finally {
        await startRedis();
      }
      const connection = redis;
      await eventually(() => connection.status === 'ready', { timeoutMs: 10000, what: 'the connection to be ready again' });
      await redis.ping();
      expect(parsed(lines).map(({ level, msg }) => [level, msg])).to.deep.equal([
        ['warn', 'Redis connection (commands) failing; logged again once it works'],
        ['info', 'Redis connection (commands) works again'],
      ]);
    });
  });
});
