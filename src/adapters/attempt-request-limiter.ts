import type { AttemptLimiter, RequestLimiter } from '../domain/abuse/ports.js';

/**
 * A request limiter on an attempt limiter that never refuses by itself (give it a rule of
 * enough points): each request is one atomic consume, and its count says how many the key
 * has had in the window, shared, hashed and outage-proof like every attempt limit.
 */
export function requestLimiterOn(limiter: AttemptLimiter): RequestLimiter {
  return { hit: async (key) => (await limiter.consume(key)).consumed };
}
