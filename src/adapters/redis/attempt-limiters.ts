import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { AttemptLimiterFactory } from '../../domain/abuse/ports.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { FlexibleAttemptLimiter, LIMITER_KEY_PREFIX, LimiterStoreHealth, memoryLimiter } from '../rate-limiter/flexible-attempt-limiter.js';
import type { RedisClient } from './topology.js';

/**
 * Limiters in Redis (single node, Sentinel or Cluster: each counter is one key, so one
 * slot), shared by every instance; while Redis cannot be reached each instance counts in
 * its own memory (logged once per outage).
 */
export function redisAttemptLimiters(redis: RedisClient, log: Logger): AttemptLimiterFactory {
  const health = new LimiterStoreHealth('the attempt limiter store (Redis)', log);
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
    );
}
