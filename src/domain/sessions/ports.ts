/**
 * The sessions' door: how a session's tokens are issued, stored and checked, and what a
 * login answers. Each port states the guarantees its adapters must keep.
 */
import type { ClientKind, ClientRecord, Principal, PublicClient } from '../kernel/client.js';

/** How a client proved who it is, as the `amr` claim says it (RFC 8176). */
export type AuthMethod = 'pwd' | 'otp' | 'hwk';

/** A token and when it stops being valid. */
export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Who an access token speaks for. */
export interface TokenSubject {
  clientId: string;
  kind: ClientKind;
  groups: string[];
  sessionId: string;
  /** How the client authenticated (the `amr` claim); absent for service tokens. */
  amr?: string[];
  /** A user's email is verified: the `email_verified` claim (OpenID Connect's name); absent for services. */
  emailVerified?: boolean;
}

/**
 * Signs and verifies access tokens (a port; the JWT adapter is in src/adapters/crypto).
 * - `issue` returns a token valid for `ttlSeconds` from the issuer's clock, naming the subject.
 * - `verify` checks authenticity and expiry only, never revocation; it throws the domain's
 *   TOKEN_INVALID for anything not issued by this issuer (a changed byte, another key or
 *   algorithm, a wrong issuer or audience) and TOKEN_EXPIRED once the token has expired.
 * - `allowExpired` accepts an expired but authentic token: only for giving something up
 *   (logout), never for gaining access.
 * - `verify` returns a frozen Principal, which may be the same object for every check of one
 *   token: no caller can change what another one sees.
 */
export interface TokenIssuer {
  issue(subject: TokenSubject, ttlSeconds: number): IssuedToken;
  verify(token: string, options?: { allowExpired?: boolean }): Promise<Principal>;
}

/** Token lifetimes, in seconds. */
export interface Lifetimes {
  accessToken: number;
  serviceToken: number;
  refreshToken: number;
  /** How long a retired refresh token still answers with the pair its rotation made (the reuse interval). */
  retiredRefreshToken: number;
}

/** A login session: one family of refresh tokens. */
export interface SessionRecord {
  id: string;
  clientId: string;
  createdAt: Date;
  /** The family's absolute end: no refresh token of it is valid after this. */
  expiresAt: Date;
  revokedAt: Date | null;
  /** How the client authenticated when the session began (`amr`); absent on sessions older than second factors: a password. */
  amr?: AuthMethod[];
  /**
   * Where the session began: the user agent (control characters removed, at most 256
   * characters, as the audit trail stores it) and the client IP of the sign-in. Absent on
   * sessions begun before sessions recorded them.
   */
  userAgent?: string;
  clientIp?: string;
}

/** One refresh token of a session, identified by the SHA-256 of its value. */
export interface RefreshTokenRecord {
  hash: string;
  sessionId: string;
  clientId: string;
  /** The hash of the token this one replaced; for a session's first token, `root:<session id>`. */
  parent: string;
  createdAt: Date;
  expiresAt: Date;
  /**
   * What the rotation that made this token answered, sealed with its parent token (see
   * reuse-answer.ts), so a second use of the parent within the reuse interval gets the
   * same answer. Absent on a session's first token.
   */
  sealedAnswer?: string;
  /**
   * Where the token was issued to, as on `SessionRecord`: the session's last use is its
   * newest token's `createdAt`, `userAgent` and `clientIp`, so a refresh records it in the
   * write it makes anyway. Absent on tokens issued before tokens recorded them.
   */
  userAgent?: string;
  clientIp?: string;
}

/** A live session with its last use: its newest refresh token's time, user agent and client IP (the sign-in's when it was never refreshed). */
export interface SessionActivity {
  session: SessionRecord;
  lastUsedAt: Date;
  /** '' when neither the newest token nor the session recorded one. */
  userAgent: string;
  clientIp: string;
}

/** A refresh token with its successor, if it has been rotated. */
export interface TokenForRotation {
  token: RefreshTokenRecord;
  successor: RefreshTokenRecord | null;
}

/**
 * Stores sessions and their refresh tokens.
 * - `rotate(parentHash, next)` stores `next` as the only successor of `parentHash`: under
 *   concurrent rotations of one token exactly one caller gets true and stores its token;
 *   every other gets false and stores nothing. A token that has a successor is retired.
 *   Retired tokens are kept until their session expires, so the replay of a token of any
 *   age is seen as reuse (a thief who rotated first cannot outrun detection by rotating
 *   twice); `sweepExpired` removes them with their session.
 * - `isRetired(hash)` is true once a successor of `hash` exists.
 * - `findForRotation(hash)` answers, in one round trip to the store, the token and its
 *   successor (null while it has none), or null when no token has the hash. The successor
 *   may leave out `userAgent` and `clientIp` (what a second use needs is the rest).
 * - Expired sessions and tokens may linger until `sweepExpired`; callers check expiry.
 */
export interface SessionStore {
  create(session: SessionRecord, firstToken: RefreshTokenRecord): Promise<void>;
  findSession(id: string): Promise<SessionRecord | null>;
  findToken(hash: string): Promise<RefreshTokenRecord | null>;
  isRetired(hash: string): Promise<boolean>;
  findForRotation(hash: string): Promise<TokenForRotation | null>;
  rotate(parentHash: string, next: RefreshTokenRecord): Promise<boolean>;
  /** Marks the session revoked (idempotent). */
  revoke(sessionId: string, at: Date): Promise<void>;
  /**
   * Every session of the client neither revoked nor expired at `now`, each with its last
   * use (see SessionActivity), in no particular order.
   */
  listLive(clientId: string, now: Date): Promise<SessionActivity[]>;
  /** Revokes every live session of the client except `exceptSessionId`; returns their ids. */
  revokeAllOfClient(clientId: string, at: Date, exceptSessionId?: string): Promise<string[]>;
  /** Removes every session and refresh token of the client. */
  deleteAllOfClient(clientId: string): Promise<void>;
  /** Removes sessions and tokens that expired before `now`; returns how many sessions. */
  sweepExpired(now: Date): Promise<number>;
  /**
   * Sessions revoked after `revokedAfter` (their access tokens may still be unexpired),
   * ordered by id ascending; page with `afterId`. What a lost revocation list is refilled from.
   */
  listRevoked(query: { revokedAfter: Date; afterId?: string; limit: number }): Promise<SessionRecord[]>;
}

/** What Login and RefreshToken hand out. */
export interface TokenPair {
  access: IssuedToken;
  refresh: IssuedToken;
  client: PublicClient;
  sessionId: string;
}

/** The factors a login's second step may use. */
export type SecondFactorKind = 'totp' | 'recovery_code' | 'passkey';

/** The answer to a correct password when a second factor is needed. */
export interface LoginChallenge {
  challengeToken: string;
  expiresAt: Date;
  factors: SecondFactorKind[];
}

/** Whether a value Login returned is a challenge rather than a token pair. */
export function isLoginChallenge(value: TokenPair | LoginChallenge): value is LoginChallenge {
  return 'challengeToken' in value;
}

/**
 * What Login asks once the password is right: the challenge of the second step, or null
 * when the client has no second factor and the password is enough. Second factors
 * implement it (src/domain/second-factor/login-challenges.ts).
 */
export interface SecondStep {
  challengeFor(client: ClientRecord): Promise<LoginChallenge | null>;
}

/**
 * Ends every token of the original service (LEGACY_TOKENS_UNTIL) that one client holds:
 * they name no session, so ending the client's sessions leaves them alone. Called when the
 * client's password changed. Stored first (the stores are the truth the revocation list is
 * refilled from), then listed: refused by the next request on every instance.
 */
export interface LegacyTokenEnds {
  endAllOf(clientId: string, at: Date): Promise<void>;
}
