/** ValidateToken, and the authentication of the bearer of every other RPC. */

import type { ClientStore } from '../clients/ports.js';
import { ADMIN_GROUP, isAdmin, type Principal } from '../kernel/client.js';
import { domainError, UnavailableError } from '../kernel/errors.js';
import { legacyTokensRevocationIdOf, type RevocationList, tokenRevocationIdOf } from '../revocation/ports.js';
import { type LegacyTokens, revocationIdOf, verifyAnyToken } from './legacy-tokens.js';
import type { SessionStore, TokenIssuer } from './ports.js';

export interface TokenValidationDeps {
  clients: ClientStore;
  sessions: SessionStore;
  revocations: RevocationList;
  tokens: TokenIssuer;
  /** Tokens of the original service, accepted until LEGACY_TOKENS_UNTIL; absent or null when off. */
  legacyTokens?: LegacyTokens | null;
}

export class TokenValidation {
  constructor(private readonly deps: TokenValidationDeps) {}

  /**
   * Validates an access token: signature, claims, expiry, then the revocation list, which
   * answers from memory (for a token of the original service, which names no session, also
   * under its client's legacy name, listed when its password changed). The gateway's
   * per-request check; it reads no database. A token of the OpenID Provider is also looked
   * up by its own id, which its client may have revoked alone (TOKEN_REVOKED), and by the
   * client it was issued to (the app), whose suspension or deletion ends the tokens people's
   * sign-ins gave it (CLIENT_SUSPENDED, CLIENT_DELETED), not only its own. No other token
   * costs that second lookup.
   */
  async validateToken(token: string): Promise<Principal> {
    if (token === '') throw domainError('TOKEN_MISSING');
    const principal = await verifyAnyToken(this.deps, token);
    const status = await this.deps.revocations.status(principal.clientId, revocationIdOf(principal, token));
    if (status !== null) throw domainError(status);
    // A token naming no session (the original service's) also ends with its client's password.
    if (principal.sessionId === '') {
      const ended = await this.deps.revocations.status(principal.clientId, legacyTokensRevocationIdOf(principal.clientId));
      if (ended !== null) throw domainError(ended);
    }
    if (principal.issuedTo !== undefined) {
      const { clientId, tokenId } = principal.issuedTo;
      const own = await this.deps.revocations.status(clientId, tokenRevocationIdOf(tokenId));
      if (own !== null) throw domainError(own === 'SESSION_REVOKED' ? 'TOKEN_REVOKED' : own);
    }
    return principal;
  }

  /**
   * Authenticates the bearer of an RPC other than ValidateToken. Like `validateToken`,
   * except that it refuses a person's token issued to an app, and that when the revocation
   * list cannot answer, the stores are asked instead: they hold the truth about sessions
   * and suspensions, and these calls read them anyway.
   * A token with no stored session (a service token) still fails closed then.
   */
  async authenticate(token: string): Promise<Principal> {
    const principal = await this.authenticateToken(token);
    // A person's access token from the OpenID Provider was issued to an app, for the
    // resources its scopes name: it must not let the app act as the person on this API
    // (an admin's sign-in would hand the app the admin RPCs). Gateways (ValidateToken)
    // still accept it; an app's own client-credentials token names the app itself.
    if (principal.issuedTo !== undefined && principal.issuedTo.clientId !== principal.clientId) {
      throw domainError('TOKEN_INVALID', 'a token issued to an app through the OpenID Provider is not accepted by this API');
    }
    return this.withCurrentAdminRights(principal);
  }

  /**
   * An admin claim is checked against the stored groups, read past the client-record cache:
   * a demotion then ends admin rights on every instance from the next call, whatever tokens
   * the demoted client still holds, also when the instance that made it could not announce
   * it (its link to Redis down) and the list has not heard of the sessions it ended.
   */
  private async withCurrentAdminRights(principal: Principal): Promise<Principal> {
    if (!isAdmin(principal)) return principal;
    const client = await this.deps.clients.findById(principal.clientId, { current: true });
    return client?.groups.includes(ADMIN_GROUP) ? principal : { ...principal, groups: client?.groups ?? [] };
  }

  private async authenticateToken(token: string): Promise<Principal> {
    try {
      return await this.validateToken(token);
    } catch (error) {
      if (!(error instanceof UnavailableError)) throw error;
      const principal = await verifyAnyToken(this.deps, token);
      const [client, session] = await Promise.all([
        this.deps.clients.findById(principal.clientId, { current: true }),
        this.deps.sessions.findSession(principal.sessionId),
      ]);
      if (!client) throw domainError('CLIENT_DELETED');
      if (client.suspended) throw domainError('CLIENT_SUSPENDED');
      if (!session || session.clientId !== client.id) throw error;
      if (session.revokedAt) throw domainError('SESSION_REVOKED');
      return principal;
    }
  }
}
