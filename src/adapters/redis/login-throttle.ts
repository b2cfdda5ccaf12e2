import { createHash } from 'node:crypto';
import { UnavailableError } from '../../domain/errors';
import type { LoginThrottle } from '../../domain/ports';
import type { RedisClient } from './topology';

export const LOGIN_FAILURES_KEY_PREFIX = 'clientauth:login-failures:';

/**
 * Counts one failure and opens the window on the first. One script, so no caller can see
 * a counter that has no expiry; a counter left without one (by hand, or an older writer)
 * gets it on its next failure instead of living forever.
 */
const RECORD_FAILURE = `
local count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/**
 * Failed-login counters in Redis, one expiring integer per key, shared by every instance.
 * Keys are named by the SHA-256 of the login key, so listing Redis's keys shows no email
 * (an unsalted hash still confirms a guessed one: it hides, it does not encrypt).
 */
export class RedisLoginThrottle implements LoginThrottle {
  constructor(
    private readonly redis: RedisClient,
    /** `keyPrefix` (default LOGIN_FAILURES_KEY_PREFIX) lets other counters share the code and not the keys. */
    private readonly options: { windowMs: number; keyPrefix?: string },
  ) {}

  async failures(key: string): Promise<number> {
    const value = await this.call(() => this.redis.get(this.counterKey(key)));
    return value === null ? 0 : Number(value);
  }

  async recordFailure(key: string): Promise<number> {
    const count = await this.call(() => this.redis.eval(RECORD_FAILURE, 1, this.counterKey(key), this.options.windowMs));
    return Number(count);
  }

  async reset(key: string): Promise<void> {
    await this.call(() => this.redis.del(this.counterKey(key)));
  }

  private counterKey(key: string): string {
    return (this.options.keyPrefix ?? LOGIN_FAILURES_KEY_PREFIX) + createHash('sha256').update(key, 'utf8').digest('hex');
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new UnavailableError('the login throttle', { cause: error });
    }
  }
}
