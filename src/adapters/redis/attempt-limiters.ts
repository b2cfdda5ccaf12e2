import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { AttemptLimiterFactory } from '../../domain/abuse/ports.js';
import type { Logger } from '../../domain/kernel/logger.js';
import {
  FlexibleAttemptLimiter,
  LIMITER_KEY_PREFIX,
  LimiterStoreHealth,
  memoryLimiter,
  type StoreCount,
  type StoreRefund,
} from '../rate-limiter/flexible-attempt-limiter.js';
import type { RedisClient } from './topology.js';

/**
 * A refund in one script: the count read and given back atomically, so concurrent refunds
 * never take it below zero, and with DECR the key keeps its expiry. One round trip and
 * three commands (the script, GET, DECR), where reading then rewarding took two and eight.
 */
const REFUND_SCRIPT = `local counted = tonumber(redis.call('get', KEYS[1]))
if counted and counted > 0 then redis.call('decr', KEYS[1]) end
return 0`;
const REFUND_COMMAND = 'clientauthLimitRefund';

type WithRefund = { [REFUND_COMMAND](key: string): Promise<unknown> };

/** The refund as a command of `redis` (EVALSHA, sending the script itself only when Redis lacks it). */
function redisRefund(redis: RedisClient): StoreRefund {
  if (!(REFUND_COMMAND in redis)) redis.defineCommand(REFUND_COMMAND, { numberOfKeys: 1, lua: REFUND_SCRIPT });
  const client = redis as unknown as WithRefund;
  return async (storeKey) => {
    // As the limiter's own commands do (rejectIfRedisNotReady): not queued for a Redis that is away, but answered from memory.
    if (redis.status !== 'ready') throw new Error('Redis connection is not ready');
    await client[REFUND_COMMAND](storeKey);
  };
}

/**
 * A count as one GET: the library's `get` reads the count and its expiry in a MULTI (four
 * commands), where a check before a service secret needs only the count (ADR 0022).
 */
function redisCount(redis: RedisClient): StoreCount {
  return async (storeKey) => {
    if (redis.status !== 'ready') throw new Error('Redis connection is not ready');
    return Number((await redis.get(storeKey)) ?? 0);
  };
}

/**
 * Limiters in Redis (single node, Sentinel or Cluster: each counter is one key, so one
 * slot), shared by every instance; while Redis cannot be reached each instance counts in
 * its own memory (logged once per outage).
 */
export function redisAttemptLimiters(redis: RedisClient, log: Logger): AttemptLimiterFactory {
  const health = new LimiterStoreHealth('the attempt limiter store (Redis)', log);
  const operations = { refund: redisRefund(redis), count: redisCount(redis) };
  return (name, rule) =>
    new FlexibleAttemptLimiter(
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: LIMITER_KEY_PREFIX + name,
        points: rule.points,
        duration: rule.durationSeconds,
        rejectIfRedisNotReady: true,
      }),
      { limiter: memoryLimiter(name, rule), health },
      operations,
    );
}
