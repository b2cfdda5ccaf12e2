/**
 * ListMySessions, EndMySession and EndMyOtherSessions: a client's own login sessions, as an
 * account page shows them, and ending them. Ending a session is a logout of it from
 * elsewhere: the store first (its refresh token stops rotating at once; the store is what
 * the revocation list is rebuilt from), then the revocation list, so its access tokens fail
 * on every instance from their next use rather than at expiry.
 */

import type { AuditRecorder } from '../audit/ports.js';
import type { Principal } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import { isId } from '../kernel/ids.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import { type RevocationList, revokeAccessTokensOf } from '../revocation/ports.js';
import type { AuthMethod, Lifetimes, SessionActivity, SessionStore } from './ports.js';

export interface MySessionsDeps {
  sessions: SessionStore;
  revocations: RevocationList;
  lifetimes: Lifetimes;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
}

/** One of the caller's live sessions, as the caller sees it. */
export interface MySessionView {
  id: string;
  /** When it signed in. */
  createdAt: Date;
  /** When it was last used: its sign-in or its latest refresh. */
  lastUsedAt: Date;
  /** When it ends at the latest, refreshed or not. */
  expiresAt: Date;
  /** The user agent and client IP of its last use; '' for sessions begun before they were recorded. */
  userAgent: string;
  clientIp: string;
  /** How it signed in. */
  amr: AuthMethod[];
  /** Whether it is the session of the caller's own token. */
  current: boolean;
}

export class MySessions {
  constructor(private readonly deps: MySessionsDeps) {}

  /** The caller's live sessions, most recently used first. */
  async list(caller: Principal): Promise<MySessionView[]> {
    const live = await this.deps.sessions.listLive(caller.clientId, new Date(this.deps.now()));
    return live.map((activity) => viewOf(activity, caller)).sort(newestUseFirst);
  }

  /**
   * Ends one of the caller's sessions (its own included). A session of anyone else is
   * answered as one that does not exist: whether it does is not the caller's to learn. A
   * session of the caller's that has ended already ends again quietly, so a retry succeeds.
   */
  async end(caller: Principal, input: { sessionId: string }, request: RequestContext = NO_REQUEST): Promise<{ current: boolean }> {
    if (input.sessionId === '') throw invalidArgument('session_id', 'session_id is required');
    if (!isId(input.sessionId)) throw invalidArgument('session_id', 'session_id is not a session id');
    const session = await this.deps.sessions.findSession(input.sessionId);
    if (!session || session.clientId !== caller.clientId) throw domainError('SESSION_NOT_FOUND');
    const now = this.deps.now();
    const current = session.id === caller.sessionId;
    if (session.revokedAt !== null || session.expiresAt.getTime() <= now) return { current };
    await this.deps.sessions.revoke(session.id, new Date(now));
    await this.ended(caller, [session.id], now, request);
    return { current };
  }

  /** Ends every live session of the caller but its own; returns how many it ended. */
  async endOthers(caller: Principal, request: RequestContext = NO_REQUEST): Promise<number> {
    const now = this.deps.now();
    const ended = await this.deps.sessions.revokeAllOfClient(caller.clientId, new Date(now), caller.sessionId);
    await this.ended(caller, ended, now, request);
    return ended.length;
  }

  /** Sessions just revoked in the store: onto the revocation list, and one record each in the trail. */
  private async ended(caller: Principal, sessionIds: string[], now: number, request: RequestContext): Promise<void> {
    await revokeAccessTokensOf(this.deps, caller.clientId, sessionIds, now + this.deps.lifetimes.accessToken * 1000);
    for (const sessionId of sessionIds) {
      this.deps.audit.record({ type: 'session.ended', outcome: 'success', actor: caller.clientId, target: caller.clientId, sessionId }, request);
    }
  }
}

export function viewOf({ session, lastUsedAt, userAgent, clientIp }: SessionActivity, caller: Principal): MySessionView {
  return {
    id: session.id,
    createdAt: session.createdAt,
    lastUsedAt,
    expiresAt: session.expiresAt,
    userAgent,
    clientIp,
    amr: session.amr ?? ['pwd'],
    current: session.id === caller.sessionId,
  };
}

/** Most recent use first; sessions used in the same millisecond, the newer sign-in first. */
export function newestUseFirst(a: MySessionView, b: MySessionView): number {
  return b.lastUsedAt.getTime() - a.lastUsedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
