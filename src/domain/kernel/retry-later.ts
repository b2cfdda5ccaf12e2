import { DomainError, type Reason } from './errors.js';

/**
 * A refusal that ends by itself: the caller may try again after `retryAfterSeconds`
 * (sent as `retry-after` metadata on gRPC and `Retry-After` on HTTP).
 */
export class RetryLaterError extends DomainError {
  constructor(
    reason: Reason,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(reason, message);
  }
}

/** "30 seconds", "2 minutes": how long a caller is asked to wait. */
export function waitText(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
