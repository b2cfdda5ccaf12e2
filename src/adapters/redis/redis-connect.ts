import type { RedisTarget } from '../../config/index.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { OutageLog } from '../../domain/kernel/outage-log.js';
import { connectWithBackoff } from '../connect-with-backoff.js';
import { newRedisClient, type RedisClient } from './topology.js';

/**
 * Opens a Redis connection (a server, a Sentinel-managed master or a Cluster) and waits
 * for it, retrying until `timeoutMs`, logging what it waits for. Commands fail at once while the connection is down (no offline queue), so a
 * caller learns of an outage instead of hanging; the connection keeps reconnecting, and
 * logs once when it is lost and once when it is back.
 */
export async function connectRedis(
  config: RedisTarget,
  timeoutMs: number,
  log: Logger,
  role: string,
  options: { subscriber?: boolean } = {},
): Promise<RedisClient> {
  const redis = newRedisClient(config, { subscriber: options.subscriber ?? false });
  const outage = new OutageLog(log, `Redis connection (${role})`);
  let connected = false;
  // Until connected, the loop below reports each failure; after, the outage log does.
  redis.on('error', (error: unknown) => {
    if (connected) outage.failed(error);
  });
  redis.on('ready', () => outage.succeeded());
  await connectWithBackoff(
    'Redis',
    timeoutMs,
    log,
    async () => {
      try {
        await redis.connect();
        await redis.ping();
      } catch (error) {
        redis.disconnect();
        throw error;
      }
    },
    { role },
  );
  connected = true;
  return redis;
}
