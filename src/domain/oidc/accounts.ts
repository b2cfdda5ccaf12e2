/**
 * The people the OpenID Provider signs in: who the browser's session is (the hosted
 * sign-in's access token, checked as ValidateToken checks it), when that sign-in happened
 * (for prompt=login and max_age), and the claims an app may read of them.
 */

import type { ClientStore } from '../clients/ports.js';
import type { SessionStore } from '../sessions/ports.js';
import type { AccessTokenCheck, SignInEnding } from './ports.js';

/** A browser's sign-in, as the provider's login result needs it. */
export interface OidcSignIn {
  accountId: string;
  /** How the person signed in (RFC 8176: pwd, otp, hwk). */
  amr: string[];
  /** When the session began: a refresh does not make it newer. */
  authTime: Date;
}

/** The claims of a person, by the scope that releases them. */
export interface OidcClaims {
  sub: string;
  name: string;
  given_name: string;
  family_name: string;
  email: string;
  email_verified: boolean;
  groups: string[];
}

export interface OidcAccountsDeps {
  clients: Pick<ClientStore, 'findById'>;
  sessions: Pick<SessionStore, 'findSession'>;
  accessTokens: AccessTokenCheck;
  signInEnding: SignInEnding;
}

export class OidcAccounts {
  constructor(private readonly deps: OidcAccountsDeps) {}

  /**
   * The sign-in an access token proves, or null when it proves none a person could use
   * here: not a user's, expired, revoked, or its client suspended or deleted.
   */
  async signInOf(accessToken: string): Promise<OidcSignIn | null> {
    const principal = await this.deps.accessTokens.validateToken(accessToken).catch(() => null);
    if (principal === null || principal.kind !== 'user') return null;
    const session = await this.deps.sessions.findSession(principal.sessionId);
    if (session === null || session.clientId !== principal.clientId || session.revokedAt) return null;
    return { accountId: principal.clientId, amr: [...principal.amr], authTime: session.createdAt };
  }

  /** Ends the browser's session of an access token (RP-initiated logout ends ours too); one already ended is no error. */
  async endSignIn(accessToken: string): Promise<void> {
    await this.deps.signInEnding.logout(accessToken).catch(() => undefined);
  }

  /** The claims of the person an access token is for (ValidateToken's checks), or null when it is no valid user's token. */
  async claimsOfToken(accessToken: string): Promise<OidcClaims | null> {
    const principal = await this.deps.accessTokens.validateToken(accessToken).catch(() => null);
    return principal?.kind === 'user' ? this.claimsOf(principal.clientId) : null;
  }

  /**
   * What RFC 7662 introspection says of an access token: its claims if ValidateToken
   * accepts it now, else null (inactive). `claims` are the token's own, read once verified.
   */
  async activeAccessToken(token: string): Promise<{ clientId: string; kind: string; expiresAt: Date } | null> {
    const principal = await this.deps.accessTokens.validateToken(token).catch(() => null);
    return principal === null ? null : { clientId: principal.clientId, kind: principal.kind, expiresAt: principal.expiresAt };
  }

  /** The claims of a user who may still sign in, or null (unknown, a service, suspended). */
  async claimsOf(accountId: string): Promise<OidcClaims | null> {
    const client = await this.deps.clients.findById(accountId);
    if (client === null || client.kind !== 'user' || client.suspended) return null;
    return {
      sub: client.id,
      name: [client.firstName, client.lastName].filter((part) => part !== '').join(' '),
      given_name: client.firstName,
      family_name: client.lastName,
      email: client.email,
      email_verified: client.emailVerifiedAt !== null,
      groups: client.groups,
    };
  }
}
