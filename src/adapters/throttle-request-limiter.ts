import type { LoginThrottle } from '../domain/ports';
import type { RequestLimiter } from '../domain/request-limiter';

/** Redis keys of the recovery request counters (followed by the SHA-256 of the key). */
export const RECOVERY_REQUESTS_KEY_PREFIX = 'clientauth:recovery-requests:';

/**
 * A request limiter on a failure counter: a request is counted as a "failure" is, in a
 * fixed window per key, with the same atomicity and the same hashed key names.
 */
export function requestLimiterOn(counter: Pick<LoginThrottle, 'recordFailure'>): RequestLimiter {
  return { hit: (key) => counter.recordFailure(key) };
}
