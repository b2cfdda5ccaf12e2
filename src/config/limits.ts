/** The abuse limits' part of the configuration: attempt limits, the hashing queue, trusted proxies. */
import { availableParallelism } from 'node:os';
import type { AttemptLimitsConfig } from '../domain/abuse/attempt-limits.js';
import type { HashingQueueOptions } from '../domain/abuse/hashing-queue.js';
import { cidrList } from '../transport/shared/ip-address.js';
import { ConfigError, type Reader } from './reader.js';

export interface AbuseConfig {
  readonly limits: AttemptLimitsConfig;
  readonly hashing: HashingQueueOptions;
  /**
   * TRUSTED_PROXY_CIDRS: peers whose `x-client-ip` metadata names the client (a bridge in
   * another process, a gateway), and proxies whose X-Forwarded-For the bridge believes.
   * Empty by default: then only the bridge of the same process names clients.
   */
  readonly trustedProxies: readonly string[];
}

const MINUTE = 60;

/**
 * One hash per CPU this process may use, and at most libuv's 4 threads, which bcrypt and argon2id run
 * on: more would only queue inside libuv, where no wait is bounded and nothing is shed.
 */
export function defaultHashConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function abuseConfigFrom(read: Reader): AbuseConfig {
  const window = read.int('LOGIN_FAILURE_WINDOW_MIN', 15, 1, 24 * 60) * MINUTE;
  const trustedProxies = read.list('TRUSTED_PROXY_CIDRS');
  try {
    cidrList(trustedProxies);
  } catch (error) {
    throw new ConfigError(`TRUSTED_PROXY_CIDRS: ${(error as Error).message}`);
  }
  return {
    limits: {
      loginPerEmailAndSource: { points: read.int('LOGIN_MAX_FAILURES', 10, 1, 1000), durationSeconds: window },
      loginPerEmail: { points: read.int('LOGIN_EMAIL_MAX_FAILURES', 30, 1, 100000), durationSeconds: window },
      loginEmailDelay: {
        firstSeconds: read.int('LOGIN_EMAIL_DELAY_SEC', 60, 1, 24 * 3600),
        maxSeconds: read.int('LOGIN_EMAIL_MAX_DELAY_MIN', 15, 1, 24 * 60) * MINUTE,
      },
      loginPerSource: { points: read.int('LOGIN_IP_MAX_FAILURES', 100, 1, 1000000), durationSeconds: window },
      registrationPerSource: {
        points: read.int('REGISTER_IP_MAX', 50, 1, 1000000),
        durationSeconds: read.int('REGISTER_IP_WINDOW_MIN', 60, 1, 24 * 60) * MINUTE,
      },
      serviceTokenPerSource: { points: read.int('SERVICE_TOKEN_IP_MAX_FAILURES', 100, 1, 1000000), durationSeconds: window },
      estimatePerSource: { points: read.int('PASSWORD_ESTIMATE_IP_MAX', 600, 1, 1000000), durationSeconds: 60 * MINUTE },
    },
    hashing: {
      concurrency: read.int('HASH_CONCURRENCY', defaultHashConcurrency(), 1, 64),
      maxQueue: read.int('HASH_QUEUE_MAX', 100, 0, 100000),
      maxWaitMs: read.int('HASH_QUEUE_WAIT_MS', 3000, 1, 60000),
    },
    trustedProxies,
  };
}
