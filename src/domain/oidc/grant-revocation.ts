/**
 * Our logout, suspension, demotion and deletion end a person's grants at the OpenID
 * Provider at once, as they end their sessions: the grants go from the store (with their
 * refresh tokens and codes), and each grant id goes on the revocation list as a revoked
 * session, so that the provider's access tokens (whose `sid` is their grant) are refused
 * by ValidateToken from the next call. It follows the revocation feed, which every one of
 * those changes goes through, whichever instance made it.
 */

import type { Logger } from '../kernel/logger.js';
import { type RevocationEvent, type RevocationList, revokeAccessTokensOf } from '../revocation/ports.js';
import type { Lifetimes, SessionStore } from '../sessions/ports.js';
import type { OidcStore } from './ports.js';

export interface OidcGrantRevocationDeps {
  oidcRecords: OidcStore;
  revocations: RevocationList;
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
   * revocation request): its access tokens go on the revocation list too.
   */
  async grantRevoked(grantId: string): Promise<void> {
    await revokeAccessTokensOf(this.deps, '', [grantId], this.deps.now() + this.deps.lifetimes.accessToken * 1000);
  }

  /** Ends every grant of `accountId`: its refresh tokens and codes at once, its access tokens on the revocation list. */
  async revokeGrantsOf(accountId: string): Promise<void> {
    const grantIds = await this.deps.oidcRecords.grantIdsOfAccount(accountId);
    if (grantIds.length === 0) return;
    for (const grantId of grantIds) await this.deps.oidcRecords.revokeByGrantId(grantId);
    await revokeAccessTokensOf(this.deps, accountId, grantIds, this.deps.now() + this.deps.lifetimes.accessToken * 1000);
  }
}
