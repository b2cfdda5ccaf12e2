/**
 * The limiter port: counts attempts per key, so a limit holds whatever the concurrency and
 * on every instance that shares the store.
 */

/** At most `points` attempts per key within `durationSeconds`, the window opening at the first. */
export interface LimitRule {
  readonly points: number;
  readonly durationSeconds: number;
}

/** The answer of one `consume`. */
export interface Consumption {
  /** False once the key has used its points (or is blocked): the attempt must not go ahead. */
  readonly allowed: boolean;
  /** Attempts counted in the current window, this one included. */
  readonly consumed: number;
  /** Milliseconds until the key's window (or block) ends. */
  readonly retryAfterMs: number;
}

/**
 * Counts attempts per key under one rule.
 * - `consume` is atomic: under N concurrent consumes of a fresh key with P points, exactly
 *   min(N, P) are allowed and each sees a distinct `consumed`; nothing is lost.
 * - `block(key, seconds)` refuses the key until then; after it the key starts afresh.
 * - `refund` gives one point back to a key that has counted one (two refunds racing on
 *   the last point may bank one attempt: a success is rare next to guesses); `clear`
 *   forgets the key.
 * - Keys are never stored in clear where other programs read them (a shared store names
 *   the counter by the key's SHA-256), so the store does not become a list of emails.
 * - When a shared store cannot be reached, the adapter counts in this instance's memory
 *   until it is back (logged once per outage): limits then hold per instance, rather than
 *   failing every login or letting every guess through.
 */
export interface AttemptLimiter {
  consume(key: string): Promise<Consumption>;
  refund(key: string): Promise<void>;
  clear(key: string): Promise<void>;
  block(key: string, seconds: number): Promise<void>;
}

/** Makes the limiter named `name` (a namespace of keys) enforcing `rule`. */
export type AttemptLimiterFactory = (name: string, rule: LimitRule) => AttemptLimiter;
