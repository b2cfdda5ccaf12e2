import { hash } from 'node:crypto';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AttemptLimiter, Consumption, LimitRule } from '../../domain/abuse/ports.js';
import { describeError } from '../../domain/kernel/error-text.js';
import type { Logger } from '../../domain/kernel/logger.js';

/** Every limiter's keys start with this (then its name), so one Redis can hold them beside other data. */
export const LIMITER_KEY_PREFIX = 'clientauth:limit:';

/** One per store: an outage is logged once for all the limiters on it, not per call. */
export class LimiterStoreHealth {
  private down = false;

  constructor(
    private readonly what: string,
    private readonly log: Logger,
  ) {}

  failed(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.log.warn({ err: describeError(error) }, `${this.what} unavailable; attempt limits are counted per instance until it is back`);
  }

  answered(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info({}, `${this.what} reachable again; attempt limits are shared again`);
  }
}

/**
 * Gives back one point of the store's key `storeKey` (the limiter's `getKey`) in one
 * atomic operation, never below zero and keeping the key's expiry.
 */
export type StoreRefund = (storeKey: string) => Promise<void>;

/** What the store's key `storeKey` has counted (0 when it holds nothing), in one read. */
export type StoreCount = (storeKey: string) => Promise<number>;

/** The store's own operations where the library's would take more round trips or commands. */
export interface StoreOperations {
  refund: StoreRefund;
  count: StoreCount;
}

/**
 * An AttemptLimiter on `rate-limiter-flexible`: its consume is one atomic store operation
 * (a Lua script on Redis), which is what lets a limit hold under concurrency. With a
 * `fallback`, a store failure is answered from this process's memory instead. With the
 * store's `operations`, a refund is that one operation too and a count one read; without,
 * a refund reads the count and then gives a point back, two operations between which
 * another refund can slip, and a count is the library's `get`.
 */
export class FlexibleAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly store: RateLimiterAbstract,
    private readonly fallback: { limiter: RateLimiterMemory; health: LimiterStoreHealth } | null,
    private readonly operations: StoreOperations | null = null,
  ) {}

  async consume(key: string): Promise<Consumption> {
    try {
      return allowedBy(await this.run((limiter, k) => limiter.consume(k), key));
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return { allowed: false, consumed: refusal.consumedPoints, retryAfterMs: refusal.msBeforeNext };
      throw refusal;
    }
  }

  async counted(key: string): Promise<number> {
    const operations = this.operations;
    return this.run(
      async (limiter, k) => (operations && limiter === this.store ? operations.count(limiter.getKey(k)) : ((await limiter.get(k))?.consumedPoints ?? 0)),
      key,
    );
  }

  async refund(key: string): Promise<void> {
    const operations = this.operations;
    await this.run((limiter, k) => (operations && limiter === this.store ? operations.refund(limiter.getKey(k)) : refundCounted(limiter, k)), key);
  }

  async clear(key: string): Promise<void> {
    await this.run((limiter, k) => limiter.delete(k), key);
  }

  async block(key: string, seconds: number): Promise<void> {
    await this.run((limiter, k) => limiter.block(k, seconds), key);
  }

  private async run<T>(operation: (limiter: RateLimiterAbstract, key: string) => Promise<T>, key: string): Promise<T> {
    const stored = storedKey(key);
    if (!this.fallback) return operation(this.store, stored);
    try {
      const result = await operation(this.store, stored);
      this.fallback.health.answered();
      return result;
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        this.fallback.health.answered();
        throw error;
      }
      this.fallback.health.failed(error);
      return operation(this.fallback.limiter, stored);
    }
  }
}

/** A refund past zero would bank attempts for later; rewarding only what was counted keeps the key at 0. */
async function refundCounted(limiter: RateLimiterAbstract, key: string): Promise<void> {
  const current = await limiter.get(key);
  if (current !== null && current.consumedPoints > 0) await limiter.reward(key);
}

/** An in-process limiter for `rule`; the embedded set-up's store and a shared store's fallback. */
export function memoryLimiter(name: string, rule: LimitRule): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: LIMITER_KEY_PREFIX + name, points: rule.points, duration: rule.durationSeconds });
}

function allowedBy(result: RateLimiterRes): Consumption {
  return { allowed: true, consumed: result.consumedPoints, retryAfterMs: result.msBeforeNext };
}

/** Keys hold emails and IPs: stores see only their SHA-256 (one-shot: two per counted request). */
function storedKey(key: string): string {
  return hash('sha256', key, 'hex');
}
