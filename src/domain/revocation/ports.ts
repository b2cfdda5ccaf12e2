/**
 * The revocation list's door: the live list of suspended and deleted clients and revoked
 * sessions that every token check consults, and the feed of its changes that gateways
 * watch. Each port states the guarantees its adapters must keep.
 */
import { describeError } from '../kernel/error-text.js';
import type { Logger } from '../kernel/logger.js';

/** Why a token is refused by the revocation list, or null when it is not. */
export type RevocationStatus = 'CLIENT_SUSPENDED' | 'CLIENT_DELETED' | 'SESSION_REVOKED' | null;

/** How many suspended clients, deleted clients and revoked sessions a revocation list holds. */
export interface RevocationListSize {
  suspended: number;
  deleted: number;
  sessions: number;
}

/** What a revocation list holds at one moment; `until` is ms since the epoch (Infinity: until reinstated). */
export interface RevocationSnapshot {
  suspended: Array<{ id: string; until: number }>;
  deleted: Array<{ id: string; until: number }>;
  sessions: Array<{ id: string; until: number }>;
}

/**
 * The live list of suspended and deleted clients and revoked sessions, shared by every
 * instance.
 * - `status` answers from memory while the instance is in sync (no I/O per call); when it
 *   cannot be sure it is in sync it asks the shared store, and when that cannot be reached
 *   it throws `UnavailableError` (fails closed, never open). It also throws while the
 *   shared store is not proved to hold every entry: after a reconnection, until the store is
 *   proved the same one (and what it may have missed meanwhile is replayed) or refilled.
 * - A change made through one instance is seen by every instance's `status` promptly
 *   (within 100 ms on a healthy network) and immediately by the instance that made it.
 * - Changes are idempotent; a deleted client stays listed until `until` (ms since epoch),
 *   a revoked session likewise; a suspension lasts until `reinstateClient`.
 */
export interface RevocationList {
  status(clientId: string, sessionId: string): Promise<RevocationStatus>;
  suspendClient(clientId: string): Promise<void>;
  /** Lifts a suspension; a deletion mark stays. */
  reinstateClient(clientId: string): Promise<void>;
  markClientDeleted(clientId: string, until: number): Promise<void>;
  revokeSession(sessionId: string, until: number): Promise<void>;
  /**
   * Sets how the list refills itself from the stores, and runs it now (with no argument:
   * everything). The shared copy can be lost (a Redis restarted empty, or replaced by
   * another); when the list notices, it runs `refill()` again. It can also miss changes
   * while it cannot be reached (a write of this instance failed, the store recorded it);
   * once it is proved the same copy, the list runs `refill(since)`, which must put back
   * every change the stores made from `since` (ms since the epoch) on. Until the refill or
   * replay has succeeded `status` and `snapshot` throw `UnavailableError` (fail closed).
   * Resolves once the first refill is done; rejects when it failed.
   */
  refillWith(refill: (since?: number) => Promise<void>): Promise<void>;
  /** Entries held in memory, for metrics. */
  size(): RevocationListSize;
  /** Every entry in force; throws `UnavailableError` whenever `status` could not answer from memory (not in sync, refilling, replaying). */
  snapshot(): RevocationSnapshot;
  close(): Promise<void>;
}

export type RevocationEventType = 'client.suspended' | 'client.reinstated' | 'client.deleted' | 'session.revoked' | 'client.groups_changed';

/** One change, as every watcher receives it. */
export interface RevocationEvent {
  /** Orders events; a watcher resumes after the last cursor it saw. */
  cursor: string;
  type: RevocationEventType;
  /** Empty for a session event. */
  clientId: string;
  /** Empty for a client event. */
  sessionId: string;
  /** When the entry stops mattering (ms since the epoch): every token it refuses has expired by then. Null: until lifted. */
  until: number | null;
  /** client.groups_changed: the client's groups from now on. */
  groups: string[];
  at: number;
}

export type NewRevocationEvent = Omit<RevocationEvent, 'cursor'>;

/**
 * The shared, ordered log of revocation events.
 * - `append` resolves once the event is in the log every instance reads.
 * - `subscribe` calls the listener, in cursor order, with every event appended by any
 *   instance after the subscription began (within 100 ms on a healthy network).
 * - `since(cursor)` returns the events after `cursor`, oldest first, or null when it cannot
 *   vouch that they are all still there: the log no longer reaches back that far, or the
 *   cursor is of another epoch (see `isCursor`: the log may have lost events since). The
 *   watcher then needs a snapshot. Never a silent jump.
 * - `head` is the cursor of the newest event (or a cursor before every future one); it
 *   throws `UnavailableError` while the feed cannot vouch for its log.
 * - When the epoch changes (the log may have lost events), `onRestart` of every subscription
 *   is called: what it delivered before cannot be continued, and its watcher must start over
 *   from a snapshot. Events after that are of the new epoch.
 * - Cursors of one epoch compare with `compareCursors`; a malformed cursor makes `since` return null.
 */
export interface RevocationFeed {
  append(event: NewRevocationEvent): Promise<void>;
  since(cursor: string): Promise<RevocationEvent[] | null>;
  head(): Promise<string>;
  subscribe(listener: (event: RevocationEvent) => void, onRestart?: () => void): () => void;
  close(): Promise<void>;
}

/**
 * The name under which the revocation list knows one access token revoked on its own (RFC
 * 7009 at the OpenID Provider), as a revoked session: its `jti` under a prefix no session
 * id has, so that revoking it refuses that token and no other of its session.
 */
export function tokenRevocationIdOf(tokenId: string): string {
  return `token.${tokenId}`;
}

/**
 * The name under which the revocation list refuses every token of the original service
 * (LEGACY_TOKENS_UNTIL) one client holds, as a revoked session: those tokens name no
 * session, and once the client's password changed none of them may pass. Under a prefix no
 * session id, `jti` or grant id has.
 */
export function legacyTokensRevocationIdOf(clientId: string): string {
  return `legacy-client.${clientId}`;
}

/**
 * One revocation of the OpenID Provider's access tokens, as the stores keep it: one access
 * token revoked on its own (RFC 7009), or a whole grant (the provider revoked it for a code
 * or refresh token used twice; our logout, suspension, demotion or deletion ended it).
 */
export interface RevokedToken {
  /**
   * 'token': one access token, by its `jti`; 'grant': every access token of the grant (their
   * `sid`); 'legacy': every token of the original service one client holds (its `tokenId` is
   * `legacyTokensRevocationIdOf(clientId)`), ended by a change of its password.
   */
  kind: 'token' | 'grant' | 'legacy';
  /** The token's `jti`, the grant's id, or the legacy name; the revocation list knows it as `listedIdOf(record)`. */
  tokenId: string;
  revokedAt: Date;
  /** When the last access token it refuses expires (a token's `exp`; a grant's revocation plus the access token lifetime): then the record may go. */
  expiresAt: Date;
}

/** The name under which the revocation list refuses what `revoked` revokes: a grant is listed as a revoked session (its tokens' `sid`), a legacy record under its own name. */
export function listedIdOf(revoked: Pick<RevokedToken, 'kind' | 'tokenId'>): string {
  return revoked.kind === 'token' ? tokenRevocationIdOf(revoked.tokenId) : revoked.tokenId;
}

/**
 * Revocations of the provider's access tokens (one by one, or by grant), kept in the stores
 * (the truth the revocation list is refilled from, as revoked sessions are), shared by
 * every instance.
 * - An id names one record whatever its kind: the provider draws `jti`s and grant ids from
 *   one random generator, so they never meet.
 * - `record` is idempotent: recording an id again keeps one record, with the last call's
 *   `revokedAt` and `expiresAt`, so a replay from a time after the first revocation still finds it.
 * - `listLive` returns the records whose `expiresAt` is after `now` and, with `revokedSince`,
 *   revoked at or after it, ordered by `tokenId` ascending; page with `afterId`.
 * - `sweepExpired` deletes those whose `expiresAt` is at or before `now`; it returns how many.
 */
export interface RevokedTokenStore {
  record(token: RevokedToken): Promise<void>;
  listLive(query: { now: Date; revokedSince?: Date; afterId?: string; limit: number }): Promise<RevokedToken[]>;
  sweepExpired(now: Date): Promise<number>;
}

/**
 * Puts sessions just revoked in the store on the revocation list until `until` (ms since
 * the epoch), so their access tokens fail at once rather than at expiry. The change that
 * caused it is already stored (their refresh tokens are dead), so a revocation list that
 * cannot be reached now is logged, not reported as a failure of that change: its tokens
 * die within one access lifetime.
 */
export async function revokeAccessTokensOf(
  deps: { revocations: RevocationList; log: Logger },
  clientId: string,
  sessionIds: string[],
  until: number,
): Promise<void> {
  await Promise.all(sessionIds.map((sessionId) => deps.revocations.revokeSession(sessionId, until))).catch((error: unknown) => {
    deps.log.warn({ clientId, sessions: sessionIds.length, err: describeError(error) }, 'revoked sessions not yet on the revocation list');
  });
}
