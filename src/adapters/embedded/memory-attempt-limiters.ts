import type { AttemptLimiterFactory } from '../../domain/abuse/ports.js';
import { FlexibleAttemptLimiter, memoryLimiter } from '../rate-limiter/flexible-attempt-limiter.js';

/**
 * Limiters in this process's memory, for the embedded set-up (one instance). Counts do not
 * survive a restart: the set-up's operator can restart it, an attacker cannot.
 */
export function memoryAttemptLimiters(): AttemptLimiterFactory {
  return (name, rule) => new FlexibleAttemptLimiter(memoryLimiter(name, rule), null);
}
