/**
 * What a test asks of the services the global fixture (global-setup.ts) provides: their
 * addresses, or a skip (a failure in CI) saying why they are missing.
 */
import { servicesUnavailableReason } from './global-setup.js';
import { canControlRedis } from './redis-process.js';
import { skipOrFailInCI } from './skip-or-fail.js';

/**
 * Returns the service addresses, or skips the calling test/suite (with a printed reason)
 * when they are not available; in CI a missing service is an error, never a skip. Call
 * from `before`/`it` with `this` (a regular function, not an arrow function).
 */
export function requireServices(ctx: Mocha.Context): { mongoUri: string; redisUrl: string } {
  const mongoUri = process.env['TEST_MONGODB_URI'];
  const redisUrl = process.env['TEST_REDIS_URL'];
  if (mongoUri && redisUrl) return { mongoUri, redisUrl };

  const missing = [!mongoUri && 'TEST_MONGODB_URI', !redisUrl && 'TEST_REDIS_URL'].filter(Boolean).join(' and ');
  const why = servicesUnavailableReason() ?? 'mocha was probably run without --require dist/test/support/global-setup.js';
  return skipOrFailInCI(ctx, `${missing} not set (${why.split('\n')[0]})`);
}

/**
 * For a test that stops and restarts Redis: skips it, saying why, when this run did not
 * start Redis itself (TEST_REDIS_URL came from outside); with CI=true that fails instead.
 */
export function requireRedisControl(ctx: Mocha.Context): void {
  if (canControlRedis()) return;
  skipOrFailInCI(ctx, 'this test stops and restarts Redis, and this run did not start Redis itself (TEST_REDIS_URL was given)');
}
