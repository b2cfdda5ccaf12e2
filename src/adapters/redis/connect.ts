import { Redis } from 'ioredis';
import type { Logger } from '../../domain/logger';
import { OutageLog } from '../../domain/outage-log';
import { connectWithBackoff } from '../connect-with-backoff';

/**
 * Opens a Redis connection and waits for it, retrying until `timeoutMs`, logging what it
 * waits for. Commands fail at once while the connection is down (no offline queue), so a
 * caller learns of an outage instead of hanging; the connection keeps reconnecting, and
 * logs once when it is lost and once when it is back.
 */
export async function connectRedis(url: string, timeoutMs: number, log: Logger, role: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  });
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
