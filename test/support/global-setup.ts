/**
 * The mocha global fixture that provides a real FerretDB and a real Redis for the run:
 *
 *   mocha --require dist/test/support/global-setup.js 'dist/test/**\/*.test.js'
 *
 * - If TEST_MONGODB_URI and TEST_REDIS_URL are both set, they are used as they
 *   are and nothing is started. If only one is set, only the other service is
 *   started.
 * - Otherwise FerretDB (`.cache/ferretdb` under the repo root, or $FERRETDB_BIN;
 *   built from test/support/ferretdb) and `redis-server` (on PATH, or $REDIS_SERVER_BIN)
 *   are started on free loopback ports with data in fresh temp directories,
 *   and the two variables are set for the tests.
 * - When something is missing or fails to start: with CI=true the run fails;
 *   otherwise a reason is printed, the variables stay unset, and suites that
 *   call requireServices() skip.
 */
import { startFerret } from './ferretdb.js';
import { LOG_PREFIX, log, stopAllProcesses } from './managed-process.js';
import { forgetRedis, startRedisService } from './redis-process.js';
import { isCI } from './skip-or-fail.js';

let unavailableReason: string | undefined;

/** Why the services are missing, when this run tried and failed to start them. */
export function servicesUnavailableReason(): string | undefined {
  return unavailableReason;
}

export async function mochaGlobalSetup(): Promise<void> {
  const givenMongo = process.env['TEST_MONGODB_URI'];
  const givenRedis = process.env['TEST_REDIS_URL'];
  if (givenMongo && givenRedis) {
    log(`using TEST_MONGODB_URI=${givenMongo} and TEST_REDIS_URL=${givenRedis} (nothing started)`);
    return;
  }

  const started: { mongo?: string; redis?: string } = {};
  try {
    if (givenMongo) log(`using TEST_MONGODB_URI=${givenMongo}`);
    else started.mongo = await startFerret();
    if (givenRedis) log(`using TEST_REDIS_URL=${givenRedis}`);
    else started.redis = await startRedisService();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await stopAll();
    if (isCI()) {
      throw new Error(`${LOG_PREFIX} cannot start the test services (CI=true, so the run fails):\n  ${reason}`);
    }
    unavailableReason = reason;
    log(`test services NOT available; suites that need MongoDB/Redis will be skipped.\n  Reason: ${reason}`);
    return;
  }
  if (started.mongo) process.env['TEST_MONGODB_URI'] = started.mongo;
  if (started.redis) process.env['TEST_REDIS_URL'] = started.redis;
}

async function stopAll(): Promise<void> {
  await stopAllProcesses();
  forgetRedis();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopAll();
}
