/**
 * ListClientSessions and EndClientSessions: an admin's view of another client's live
 * sessions, and ending one of them or all, as the console's client page does. Ending is
 * what EndMySession does, for an admin: the store first (the refresh token stops at
 * once), then the revocation list (the access tokens fail from their next use), and one
 * `session.ended` record per session naming the admin as actor and the client as target.
 */
import type { AuditRecorder } from '../audit/ports.js';
import { type Principal, requireAdmin } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import { isId } from '../kernel/ids.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import { type RevocationList, revokeAccessTokensOf } from '../revocation/ports.js';
import { type MySessionView, newestUseFirst, viewOf } from './my-sessions.js';
import type { Lifetimes, SessionStore } from './ports.js';

export interface ClientSessionsDeps {
  sessions: SessionStore;
  revocations: RevocationList;
  lifetimes: Lifetimes;
  audit: AuditRecorder;
  log: Logger;
  now: Clock;
}

export class ClientSessions {
  constructor(private readonly deps: ClientSessionsDeps) {}

  /** The client's live sessions, most recently used first; none for a client that does not exist. */
  async list(caller: Principal, input: { clientId: string }): Promise<MySessionView[]> {
    requireAdmin(caller);
    const clientId = v.clientId('client_id', input.clientId);
    const live = await this.deps.sessions.listLive(clientId, new Date(this.deps.now()));
    // `current` is about the caller's own session, which an admin's view of another client never holds.
    return live.map((activity) => ({ ...viewOf(activity, caller), current: false })).sort(newestUseFirst);
  }

  /**
   * Ends one session of the client (`sessionId`), or every live one when `sessionId` is
   * empty; returns how many ended. A session of another client is answered as one that
   * does not exist; one that has ended already ends again quietly (0).
   */
  end(caller: Principal, input: { clientId: string; sessionId: string }, request: RequestContext = NO_REQUEST): Promise<number> {
    const attempt = { type: 'session.ended', actor: caller.clientId, target: input.clientId } as const;
    return this.deps.audit.refusals(request, attempt, () => this.endSessions(caller, input, request));
  }

  private async endSessions(caller: Principal, input: { clientId: string; sessionId: string }, request: RequestContext): Promise<number> {
    requireAdmin(caller);
    const clientId = v.clientId('client_id', input.clientId);
    const now = this.deps.now();
    let ended: string[];
    if (input.sessionId === '') {
      ended = await this.deps.sessions.revokeAllOfClient(clientId, new Date(now));
    } else {
      if (!isId(input.sessionId)) throw invalidArgument('session_id', 'session_id is not a session id');
      const session = await this.deps.sessions.findSession(input.sessionId);
      if (!session || session.clientId !== clientId) throw domainError('SESSION_NOT_FOUND');
      if (session.revokedAt !== null || session.expiresAt.getTime() <= now) return 0;
      await this.deps.sessions.revoke(session.id, new Date(now));
      ended = [session.id];
    }
    await revokeAccessTokensOf(this.deps, clientId, ended, now + this.deps.lifetimes.accessToken * 1000);
    for (const sessionId of ended) {
      this.deps.audit.record({ type: 'session.ended', outcome: 'success', actor: caller.clientId, target: clientId, sessionId }, request);
    }
    return ended.length;
  }
}
