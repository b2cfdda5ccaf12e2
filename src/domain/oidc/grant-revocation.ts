/**
 * Our logout, suspension, demotion and deletion end a person's grants at the OpenID
 * Provider at once, as they end their sessions: the grants go from the store (with their
 * refresh tokens and codes), and each grant id goes on the revocation list as a revoked
 * session, so that the provider's access tokens (whose `sid` is their grant) are refused
 * by ValidateToken from the next call. It follows the revocation feed, which every one of
 * those changes goes through, whichever instance made it.
 *
 * The stores keep each grant's revocation first (RevokedTokenStore, kind 'grant'), until its
 * last access token has expired (the access token lifetime from the revocation), as they keep
 * a revoked session: the list's shared copy can be lost (a Redis restarted empty) or miss the
 * write, and its refill and replay put back what the stores hold.
 */

import { describeError } from '../kernel/error-text.js';
import type { Logger } from '../kernel/logger.js';
import { type RevocationEvent, type RevocationList, type RevokedTokenStore, revokeAccessTokensOf } from '../revocation/ports.js';
import type { Lifetimes, SessionStore } from '../sessions/ports.js';
import type { OidcStore } from './ports.js';

export interface OidcGrantRevocationDeps {
  oidcRecords: OidcStore;
  revocations: RevocationList;
  revokedTokens: Pick<RevokedTokenStore, 'record'>;
  sessions: Pick<SessionStore, 'findSession'>;
  lifetimes: Lifetimes;
  log: Logger;
  now: () => number;
}

export class OidcGrantRevocation {
  constructor(private readonly deps: OidcGrantRevocationDeps) {}

  /** The grants a change of the revocation list ends: every grant of the client it is about. A reinstatement ends none. */
  async follow(event: Pick<RevocationEvent, 'type' | 'clientId' | 'sessionId'>): Promise<void> {
    if (event.type === 'client.reinstated') return;
    // A revoked session (a logout, an ended session) names no client; its session does. A grant id names none: nothing to follow.
    const clientId = event.type === 'session.revoked' ? (await this.deps.sessions.findSession(event.sessionId))?.clientId : event.clientId;
    if (clientId) await this.revokeGrantsOf(clientId);
  }

  /**
   * The provider revoked a grant itself (a refresh token used twice, a code used twice, a
   * revocation request): its access tokens go on the revocation list too. Called from the
   * provider's event, which nothing awaits: it never rejects, it logs what it could not do.
   */
  async grantRevoked(grantId: string): Promise<void> {
    const now = this.deps.now();
    await this.keep('', [grantId], now);
    await revokeAccessTokensOf(this.deps, '', [grantId], this.untilFrom(now));
  }

  /** Ends every grant of `accountId`: its refresh tokens and codes at once, its access tokens on the revocation list. */
  async revokeGrantsOf(accountId: string): Promise<void> {
    const grantIds = await this.deps.oidcRecords.grantIdsOfAccount(accountId);
    if (grantIds.length === 0) return;
    const now = this.deps.now();
    await this.keep(accountId, grantIds, now);
    for (const grantId of grantIds) await this.deps.oidcRecords.revokeByGrantId(grantId);
    await revokeAccessTokensOf(this.deps, accountId, grantIds, this.untilFrom(now));
  }

  /** When the last access token of a grant revoked at `now` has expired. */
  private untilFrom(now: number): number {
    return now + this.deps.lifetimes.accessToken * 1000;
  }

  /**
   * Keeps the grants' revocations in the stores, before anything else changes. A store that
   * cannot be reached is logged, not thrown: the grants still end (their refresh tokens and
   * codes, the list's entries), and only a later loss of the list could bring their access
   * tokens back, until they expire.
   */
  private async keep(accountId: string, grantIds: string[], now: number): Promise<void> {
    const revokedAt = new Date(now);
    const expiresAt = new Date(this.untilFrom(now));
    try {
      for (const grantId of grantIds) await this.deps.revokedTokens.record({ kind: 'grant', tokenId: grantId, revokedAt, expiresAt });
    } catch (error) {
      this.deps.log.warn({ clientId: accountId, grants: grantIds.length, err: describeError(error) }, 'revoked grants not kept in the stores');
    }
  }
}
