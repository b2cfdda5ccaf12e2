/**
 * The abuse defences' door: the limits every attempt at a secret counts against, the
 * password hasher behind its bounded queue, the list of passwords refused as too common,
 * the strength a new password must have, and the limiter ports they are built on.
 */

/**
 * What each attempt at a secret (a login, a second factor, a password check, a registration,
 * a service secret) counts against. Every attempt at a password or a code is counted before
 * it is checked; a service secret (256 random bits) only once it is found wrong (ADR 0022).
 * A refusal is RESOURCE_EXHAUSTED / TOO_MANY_ATTEMPTS with the wait.
 */
export interface AttemptLimits {
  /** Counts a login of `email` from `source` (a client IP, '' when unknown), or refuses it. */
  beginLogin(email: string, source: string): Promise<Attempt>;
  /** Counts a guess at the second factor of `email`'s login, strictly per account. */
  beginSecondFactor(email: string, source: string): Promise<Attempt>;
  /** Counts a check of a signed-in user's current password (ChangePassword), like a login. */
  beginPasswordCheck(clientId: string, source: string): Promise<Attempt>;
  /** Counts a registration from `source`; each one costs, successful or not. */
  beginRegistration(source: string): Promise<void>;
  /**
   * Checks a service secret presented from `source`: `check` answers what the secret opens,
   * or null when it is wrong. Refuses before `check` runs once the source's wrong secrets
   * and its checks in flight on this instance reach the limit (a refusal counts as a wrong
   * secret); then counts only a wrong secret, so a right one writes nothing. Under any
   * concurrency on one instance no more wrong secrets are checked than the limit allows;
   * across instances, see ADR 0022.
   */
  checkServiceSecret<T>(source: string, check: () => Promise<T | null>): Promise<T | null>;
  /** Counts a password-strength estimate asked from `source` (EstimatePasswordStrength), whatever its verdict. */
  beginStrengthEstimate(source: string): Promise<void>;
}

/** An attempt let through: tell it how it ended. */
export interface Attempt {
  /** The secret was right: give back what the owner's success should not cost. */
  succeeded(): Promise<void>;
}

/** Refuses passwords an attacker tries first. */
export interface PasswordBlocklist {
  /**
   * Throws INVALID_ARGUMENT / PASSWORD_TOO_COMMON (naming `field`) when `password` is on
   * the list, is one character repeated, or is the account's email or its local part.
   */
  check(field: string, password: string, email: string): void;
}

/** What a strength estimator makes of a password. */
export interface StrengthEstimate {
  /** 0 (guessed at once) to 4 (very hard to guess), zxcvbn's scale. */
  readonly score: number;
  /** Why the score is low, one sentence; '' when there is nothing to say. Never holds the password. */
  readonly warning: string;
  /** What would make the password stronger, a sentence each. Never hold the password. */
  readonly suggestions: readonly string[];
}

/**
 * Judges how hard a password is to guess (a port; the zxcvbn-ts adapter is in
 * src/adapters/password-lists/). `userInputs` (the account's email, its parts, names) count
 * as words an attacker tries first. The first call may load dictionaries; later calls
 * cost milliseconds of this thread, so callers make them after the limits that bound
 * how often anyone can ask.
 */
export interface PasswordStrength {
  estimate(password: string, userInputs: readonly string[]): Promise<StrengthEstimate>;
}

/** Who a password is for: the words of the account an attacker tries first. */
export interface AccountWords {
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
}

/** The estimator's reading of a password, and whether it reaches the minimum. */
export interface StrengthJudgement {
  readonly estimate: StrengthEstimate;
  readonly strongEnough: boolean;
}

/** The strength every password that is set must have. */
export interface StrengthRule {
  /**
   * The estimate of `password` for `account` (warning and suggestions trimmed, blank ones
   * left out: the advice a refusal gives) and whether it reaches the minimum; null when
   * the minimum is 0, which asks the estimator nothing.
   */
  judge(password: string, account: AccountWords): Promise<StrengthJudgement | null>;
  /**
   * Throws INVALID_ARGUMENT / PASSWORD_TOO_WEAK (naming `field`) when `password` scores
   * below the configured minimum for `account`; the message carries the estimator's
   * warning and suggestions, never the password.
   */
  check(field: string, password: string, account: AccountWords): Promise<void>;
}

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
 *   min(N, P) are allowed and each sees a distinct `consumed`; nothing is lost. `counted`
 *   reads what consumes (and a block) have counted so far, as the next consume would see it.
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
  /** Attempts `key` has counted in its current window (0 when none), counting nothing: one read. */
  counted(key: string): Promise<number>;
  refund(key: string): Promise<void>;
  clear(key: string): Promise<void>;
  block(key: string, seconds: number): Promise<void>;
}

/** Makes the limiter named `name` (a namespace of keys) enforcing `rule`. */
export type AttemptLimiterFactory = (name: string, rule: LimitRule) => AttemptLimiter;

/**
 * Hashes and checks user passwords (a port; the bcrypt and argon2id adapters are in src/adapters/crypto).
 * - `hash` returns a salted, slow hash; two hashes of one password differ.
 * - `verify(password, null)` costs as long as checking a wrong password and answers false,
 *   so an unknown account cannot be told from a wrong password by timing.
 * - `needsRehash` is true for a hash made with weaker settings than the current ones, so
 *   the next successful login can upgrade it.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string | null): Promise<boolean>;
  needsRehash(hash: string): boolean;
}

/** A password hasher behind a bounded queue: what the use cases hash with. */
export interface PasswordHashing extends PasswordHasher {
  /**
   * Hashes when a slot is free, or throws RESOURCE_EXHAUSTED / SERVER_BUSY: at once when the
   * queue is full or the wait would pass `deadline` (as in `withPlace`), or while waiting.
   */
  hash(password: string, deadline?: number): Promise<string>;
  /**
   * Takes a place in the queue now, or throws RESOURCE_EXHAUSTED / SERVER_BUSY at once. A
   * call that hashes (Login, RegisterUser, ChangePassword) reserves before its limit and
   * database reads, so the answer to a call that will be shed comes on arrival, never
   * after those reads have waited behind a flood. `deadline` is when the caller stops
   * listening (ms since the epoch; none when absent): a call whose wait for a slot would
   * leave too little of it for the hash is refused the same way, on arrival or as soon as
   * that is known, never left to time out; without a deadline, a call given a place is never
   * refused later. The place is given back when `work` ends, used or not.
   */
  withPlace<T>(work: (place: PlaceInQueue) => Promise<T>, deadline?: number): Promise<T>;
}

/** A place in the hashing queue, for one `verify` or one `hash`. */
export interface PlaceInQueue {
  verify(password: string, hash: string | null): Promise<boolean>;
  hash(password: string): Promise<string>;
}

/**
 * Counts requests per key in a fixed window, shared by every instance that shares the store.
 * - `hit` counts one request and returns the key's count in its window, this one included;
 *   under N concurrent hits on one key each gets a distinct count and the last is N.
 * - A key's window opens at its first hit and does not move; afterwards the count is 0 again.
 * - Keys are never stored in clear where other programs read them (Redis names the counter
 *   by the key's SHA-256), so the store does not become a list of emails or addresses.
 * - When the store cannot be reached, `hit` rejects with `UnavailableError`.
 */
export interface RequestLimiter {
  hit(key: string): Promise<number>;
}
