import type { RedisTarget } from '../../config/index.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { OutageLog } from '../../domain/kernel/outage-log.js';
import { connectWithBackoff } from '../connect-with-backoff.js';
import { newRedisClient, type RedisClient } from './topology.js';

/** How long an ended Sentinel connection waits before it is opened again (as ioredis's first reconnection). */
const REOPEN_DELAY_MS = 100;

/** Connections closed with `closeRedis`: the only ones that may stay ended. */
const closedOnPurpose = new WeakSet<RedisClient>();

/**
 * Opens a Redis connection (a server, a Sentinel-managed master or a Cluster) and waits
 * for it, retrying until `timeoutMs`, logging what it waits for. Commands fail at once while the connection is down (no offline queue), so a
 * caller learns of an outage instead of hanging; the connection keeps reconnecting, and
 * logs once when it is lost and once when it is back. Close it with `closeRedis`.
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
  if (config.kind === 'sentinel') reopenWhenEnded(redis, log, role);
  return redis;
}

/** Closes a connection of `connectRedis` for good. */
export function closeRedis(redis: RedisClient): void {
  closedOnPurpose.add(redis);
  redis.disconnect();
}

/**
 * ioredis ends a Sentinel connection for good, with no retry, when a sentinel announces a
 * new master (+switch-master, seen by its failover detector) while the connection is
 * reconnecting and waits for a sentinel's answer: the detector's disconnect makes that
 * reconnection throw "Connection is closed." and the client's status "end". A loaded
 * machine makes the window wide (the sentinels answer slowly during a failover). Nothing
 * then reconnected it: every command failed and the revocation list stayed untrusted. Such
 * a connection is opened again here; one closed with `closeRedis` stays closed.
 */
function reopenWhenEnded(redis: RedisClient, log: Logger, role: string): void {
  redis.on('end', () => {
    if (closedOnPurpose.has(redis)) return;
    log.warn({ role }, 'Redis connection ended by a failover announced while it reconnected; opening it again');
    const reopen = setTimeout(() => {
      // A failed attempt ends it again (and lands here) or reconnects by itself: nothing to handle.
      if (!closedOnPurpose.has(redis) && redis.status === 'end') redis.connect().catch(() => undefined);
    }, REOPEN_DELAY_MS);
    reopen.unref();
  });
}
