/**
 * One-time tokens: the secrets of password-reset and email-verification links. A token is
 * 256 bits of randomness handed out once, in an email; only its SHA-256 is stored, bound to
 * one client and one purpose, and it is removed when used.
 */

/** What a token may be used for; a token of one purpose is unknown to the other. */
export type TokenPurpose = 'password_reset' | 'email_verification';

/** One stored token, identified by the SHA-256 (hex) of its value. */
export interface OneTimeTokenRecord {
  hash: string;
  clientId: string;
  purpose: TokenPurpose;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * Stores one-time tokens.
 * - `consume(hash, purpose, now)` removes the token and returns it when it exists, has that
 *   purpose and has not expired; under concurrent calls on one token exactly one caller
 *   gets it and every other gets null. An expired token is removed and null.
 * - `deleteAllOfClient` removes the client's tokens (of one purpose, or all); idempotent.
 * - Expired tokens may linger until `sweepExpired`; `consume` never returns one.
 */
export interface OneTimeTokenStore {
  add(token: OneTimeTokenRecord): Promise<void>;
  consume(hash: string, purpose: TokenPurpose, now: Date): Promise<OneTimeTokenRecord | null>;
  deleteAllOfClient(clientId: string, purpose?: TokenPurpose): Promise<void>;
  /** Removes tokens that expired before `now`; returns how many. */
  sweepExpired(now: Date): Promise<number>;
}

/** A token value is 43 base64url characters; anything much longer is not one of ours. */
export const MAX_ONE_TIME_TOKEN_LENGTH = 128;
