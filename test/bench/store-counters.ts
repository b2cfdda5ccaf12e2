/**
 * Round trips to the stores as the stores count them: FerretDB's serverStatus command
 * counters and Redis's INFO commandstats, read before and after a run of sequential
 * requests. Unlike throughput, the count does not move with the machine's load.
 */
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';

/** Commands per request, to each store. */
export interface RoundTrips {
  mongo: number;
  redis: number;
}

/** Driver heartbeats and the counting itself, not requests' work. */
const MONGO_IGNORED = new Set(['unknown', 'hello', 'ismaster', 'isMaster', 'ping', 'serverStatus', 'buildInfo', 'endSessions']);
const REDIS_IGNORED = new Set(['info', 'ping', 'client', 'hello', 'select', 'subscribe', 'psubscribe', 'config']);

/** How long batched writes (audit records) take to land after the last request. */
const SETTLE_MS = 300;

export function storeCounters(services: { mongoUri: string; redisUrl: string }) {
  const mongo = new MongoClient(services.mongoUri, { directConnection: true });
  const redis = new Redis(services.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const counts = async (): Promise<RoundTrips> => {
    const status = await mongo.db('admin').command({ serverStatus: 1 });
    const commands = (status['metrics']?.['commands'] ?? {}) as Record<string, { total: number }>;
    let mongoCount = 0;
    for (const [name, stat] of Object.entries(commands)) if (!MONGO_IGNORED.has(name)) mongoCount += Number(stat.total);
    const info = await redis.info('commandstats');
    let redisCount = 0;
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (!REDIS_IGNORED.has(match[1]!.split('|')[0]!)) redisCount += Number(match[2]);
    return { mongo: mongoCount, redis: redisCount };
  };
  return {
    /**
     * Runs `request` `n` times, one after the other, and answers the commands each made on
     * average, less what the instance sends by itself (its relay and checks, counted over
     * as long again with no request) so that a slow machine does not inflate the count.
     */
    async perRequest(n: number, request: () => Promise<unknown>): Promise<RoundTrips> {
      if (redis.status === 'wait') await redis.connect();
      await request();
      // Let the batched writes of the warm-up request (audit records) land before counting.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const before = await counts();
      const started = Date.now();
      for (let i = 0; i < n; i++) await request();
      const busyMs = Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const after = await counts();
      await new Promise((resolve) => setTimeout(resolve, busyMs + SETTLE_MS));
      const idle = await counts();
      return {
        mongo: Math.max(0, after.mongo - before.mongo - (idle.mongo - after.mongo)) / n,
        redis: Math.max(0, after.redis - before.redis - (idle.redis - after.redis)) / n,
      };
    },
    async close(): Promise<void> {
      await mongo.close();
      redis.disconnect();
    },
  };
}
