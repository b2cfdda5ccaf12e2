import { Redis } from 'ioredis';
import type { Logger } from '../../domain/logger';
import { describe } from '../../domain/describe-error';

/**
 * Opens a Redis connection and waits for it, retrying until `timeoutMs`, logging what it
 * waits for. Commands fail at once while the connection is down (no offline queue), so a
 * caller learns of an outage instead of hanging; the connection keeps reconnecting.
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
  // Connection errors surface through the failing commands; listening keeps ioredis quiet.
  redis.on('error', () => {});
  const deadline = Date.now() + timeoutMs;
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    try {
      await redis.connect();
      await redis.ping();
      return redis;
    } catch (error) {
      redis.disconnect();
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Redis (${role}) did not answer within ${timeoutMs} ms: ${describe(error)}`);
      log.info({ attempt, role, retryInMs: Math.min(delay, remaining), err: describe(error) }, 'waiting for Redis');
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, remaining)));
      delay = Math.min(delay * 2, 2000);
    }
  }
}
