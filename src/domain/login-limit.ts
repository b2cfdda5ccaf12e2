/** The limit on failed logins per email, and how Login uses the throttle that counts them. */
import { describe } from './describe-error';
import { UnavailableError, domainError, type DomainError } from './errors';
import type { Logger } from './logger';
import type { LoginThrottle } from './ports';

/** An email with `maxFailures` failed logins within `windowSeconds` is refused until the window ends. */
export interface LoginLimit {
  maxFailures: number;
  windowSeconds: number;
}

/**
 * The login throttle, failing open: while its store is unreachable, logins go on
 * unlimited (logged once per outage) instead of failing. The throttle only slows
 * guessing and every password is still checked, whereas failing closed would turn a
 * Redis outage into an outage of every login. The price: failures made during an outage
 * go uncounted.
 */
export class FailOpenLoginThrottle {
  /** Whether the last call failed, so an outage is logged once, not per login. */
  private down = false;

  constructor(
    private readonly throttle: LoginThrottle,
    private readonly log: Logger,
  ) {}

  failures(email: string): Promise<number> {
    return this.guarded(() => this.throttle.failures(email), 0);
  }

  recordFailure(email: string): Promise<number> {
    return this.guarded(() => this.throttle.recordFailure(email), 0);
  }

  reset(email: string): Promise<void> {
    return this.guarded(() => this.throttle.reset(email), undefined);
  }

  private async guarded<T>(call: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await call();
      if (this.down) {
        this.down = false;
        this.log.info({}, 'login throttle reachable again; failed logins are counted');
      }
      return result;
    } catch (error) {
      if (!this.down) {
        this.down = true;
        const cause = error instanceof UnavailableError ? (error as { cause?: unknown }).cause : undefined;
        this.log.warn({ err: describe(cause ?? error) }, 'login throttle unavailable; failed logins are NOT counted or limited until it is back');
      }
      return fallback;
    }
  }
}

/** Names no account: an unknown email at the limit gets exactly this answer too. */
export function tooManyAttempts(windowSeconds: number): DomainError {
  const minutes = Math.ceil(windowSeconds / 60);
  return domainError(
    'TOO_MANY_ATTEMPTS',
    `too many failed logins for this email; wait up to ${minutes} minute${minutes === 1 ? '' : 's'} and try again`,
  );
}
