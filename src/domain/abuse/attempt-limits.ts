/**
 * Which attempts are counted, against which keys, and what a refusal says. Every attempt
 * at a password or a code is counted before it is checked, so no concurrency lets more
 * guesses through than a limit allows; a success then gives back what the owner should not
 * pay for. A service secret is counted only when wrong, the checks in flight held back in
 * this instance's memory instead (ADR 0022): a right one costs one read and no write.
 */

import { RetryLaterError, waitText } from '../kernel/retry-later.js';
import type { Attempt, AttemptLimiter, AttemptLimiterFactory, AttemptLimits, Consumption, LimitRule } from './ports.js';

export interface AttemptLimitsConfig {
  /** Guesses of one account's password from one source (client IP): the strict limit. */
  readonly loginPerEmailAndSource: LimitRule;
  /** Guesses of one account's password from anywhere: looser, then growing delays. */
  readonly loginPerEmail: LimitRule;
  /** The first delay once `loginPerEmail` is spent; each next one doubles, up to `maxSeconds`. */
  readonly loginEmailDelay: { readonly firstSeconds: number; readonly maxSeconds: number };
  /** Failed password checks (logins, password changes) from one source, any account. */
  readonly loginPerSource: LimitRule;
  /** Registrations from one source, successful or not. */
  readonly registrationPerSource: LimitRule;
  /** Failed service-token requests from one source. */
  readonly serviceTokenPerSource: LimitRule;
  /** Password-strength estimates (the pages' live hint) from one source, whatever their verdict. */
  readonly estimatePerSource: LimitRule;
}

/** How long the strikes that grow the per-email delay are remembered. */
const STRIKE_MEMORY_SECONDS = 24 * 3600;

export class AttemptLimitRules implements AttemptLimits {
  private readonly loginEmailSource: AttemptLimiter;
  private readonly loginEmail: AttemptLimiter;
  private readonly loginEmailStrikes: AttemptLimiter;
  private readonly loginSource: AttemptLimiter;
  private readonly passwordClient: AttemptLimiter;
  private readonly secondFactorEmail: AttemptLimiter;
  private readonly registrationSource: AttemptLimiter;
  private readonly serviceTokenSource: AttemptLimiter;
  private readonly estimateSource: AttemptLimiter;
  /** Service-secret checks under way on this instance, per source; a source leaves when its last one ends. */
  private readonly serviceChecksInFlight = new Map<string, number>();

  constructor(
    private readonly config: AttemptLimitsConfig,
    limiter: AttemptLimiterFactory,
  ) {
    this.loginEmailSource = limiter('login-email-ip', config.loginPerEmailAndSource);
    this.loginEmail = limiter('login-email', config.loginPerEmail);
    this.loginEmailStrikes = limiter('login-email-strikes', { points: Number.MAX_SAFE_INTEGER, durationSeconds: STRIKE_MEMORY_SECONDS });
    this.loginSource = limiter('login-ip', config.loginPerSource);
    this.passwordClient = limiter('password-client', config.loginPerEmailAndSource);
    this.secondFactorEmail = limiter('second-factor-email', config.loginPerEmailAndSource);
    this.registrationSource = limiter('register-ip', config.registrationPerSource);
    this.serviceTokenSource = limiter('service-token-ip', config.serviceTokenPerSource);
    this.estimateSource = limiter('strength-estimate-ip', config.estimatePerSource);
  }

  /**
   * Counts a login of `email` from `source`, or refuses it. The keys are taken one after
   * the other, stopping at the first refusal, so a source that is refused spends nothing
   * of the account's shared allowance: its owner elsewhere keeps logging in.
   */
  async beginLogin(email: string, source: string): Promise<Attempt> {
    await this.take(this.loginSource, source);
    const pair = pairKey(email, source);
    await this.take(this.loginEmailSource, pair);
    const forEmail = await this.loginEmail.consume(email);
    if (!forEmail.allowed) await this.refuseWithGrowingDelay(email, forEmail);
    return {
      succeeded: async () => {
        await Promise.all([this.loginSource.refund(source), this.loginEmailSource.clear(pair), this.loginEmail.clear(email)]);
      },
    };
  }

  /**
   * Counts a guess at the second factor of `email`'s login (after a right password, whose
   * login attempt stays counted until now), strictly per account whatever the source; a
   * right one completes the login and clears what it cost.
   */
  async beginSecondFactor(email: string, source: string): Promise<Attempt> {
    await this.take(this.secondFactorEmail, email);
    return {
      succeeded: async () => {
        await Promise.all([
          this.secondFactorEmail.clear(email),
          this.loginEmailSource.clear(pairKey(email, source)),
          this.loginEmail.clear(email),
          this.loginSource.refund(source),
        ]);
      },
    };
  }

  /** Counts a check of a signed-in user's current password (ChangePassword), like a login. */
  async beginPasswordCheck(clientId: string, source: string): Promise<Attempt> {
    await this.take(this.loginSource, source);
    await this.take(this.passwordClient, clientId);
    return {
      succeeded: async () => {
        await Promise.all([this.loginSource.refund(source), this.passwordClient.clear(clientId)]);
      },
    };
  }

  /** Counts a registration from `source`; each one costs, successful or not. */
  async beginRegistration(source: string): Promise<void> {
    await this.take(this.registrationSource, source);
  }

  /**
   * Checks a service secret from `source`, counting it only when wrong. A check joins the
   * source's checks in flight here as it sends its read of the count, and leaves as it
   * sends the count of a wrong secret (or of a refusal), on the one connection that
   * answers in order: every check that began before it is then either still in flight or
   * in the count it reads, never both, so on one instance no more wrong secrets are
   * checked than the limit, whatever the concurrency (ADR 0022 for several instances).
   */
  async checkServiceSecret<T>(source: string, check: () => Promise<T | null>): Promise<T | null> {
    const inFlight = (this.serviceChecksInFlight.get(source) ?? 0) + 1;
    this.serviceChecksInFlight.set(source, inFlight);
    let inside = true;
    const leave = () => {
      if (!inside) return;
      inside = false;
      const left = (this.serviceChecksInFlight.get(source) ?? 1) - 1;
      if (left === 0) this.serviceChecksInFlight.delete(source);
      else this.serviceChecksInFlight.set(source, left);
    };
    try {
      const wrong = await this.serviceTokenSource.counted(source);
      if (wrong + inFlight > this.config.serviceTokenPerSource.points) {
        // A refusal counts as a wrong secret, as every refused attempt does: a source that keeps knocking stays refused.
        leave();
        throw tooManyAttempts((await this.serviceTokenSource.consume(source)).retryAfterMs);
      }
      const opened = await check();
      if (opened === null) {
        leave();
        await this.serviceTokenSource.consume(source);
      }
      return opened;
    } finally {
      leave();
    }
  }

  /**
   * Counts a password-strength estimate from `source`. Its own allowance, not the
   * registrations': a person typing a password asks several times before signing up once.
   */
  async beginStrengthEstimate(source: string): Promise<void> {
    await this.take(this.estimateSource, source);
  }

  private async take(limiter: AttemptLimiter, key: string): Promise<void> {
    const result = await limiter.consume(key);
    if (!result.allowed) throw tooManyAttempts(result.retryAfterMs);
  }

  /**
   * The first refusal of a spent per-email allowance blocks the email for a delay that
   * doubles with each time it was spent in the last day, instead of for the whole window:
   * an owner whose account is being guessed from many sources waits minutes, not hours,
   * while the guessing slows down geometrically.
   */
  private async refuseWithGrowingDelay(email: string, refused: Consumption): Promise<never> {
    if (refused.consumed !== this.config.loginPerEmail.points + 1) throw tooManyAttempts(refused.retryAfterMs);
    const strikes = (await this.loginEmailStrikes.consume(email)).consumed;
    const { firstSeconds, maxSeconds } = this.config.loginEmailDelay;
    const delay = Math.min(firstSeconds * 2 ** Math.min(strikes - 1, 30), maxSeconds);
    await this.loginEmail.block(email, delay);
    throw tooManyAttempts(delay * 1000);
  }
}

function pairKey(email: string, source: string): string {
  return `${email}\n${source}`;
}

/** Names no account or limit: an unknown email at a limit gets exactly this answer too. */
export function tooManyAttempts(retryAfterMs: number): RetryLaterError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new RetryLaterError('TOO_MANY_ATTEMPTS', `too many attempts; try again in ${waitText(seconds)}`, seconds);
}
