import type { ClientKind, Principal } from './client.js';

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
  verify(token: string, options?: { allowExpired?: boolean }): Principal;
}

/** Token lifetimes, in seconds. */
export interface Lifetimes {
  accessToken: number;
  serviceToken: number;
  refreshToken: number;
  /** How long a retired refresh token still answers with the pair its rotation made (the reuse interval). */
  retiredRefreshToken: number;
}
