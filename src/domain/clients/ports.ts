/**
 * The ports: what the domain needs from the outside world. Each states the guarantees its
 * adapters must keep; test/contract/ runs one suite per port against every adapter.
 */
import type { ClientKind, ClientRecord } from './client.js';
import type { AuthMethod } from './second-factor-ports.js';

/** Filters and paging of `ClientStore.list`. */
export interface ClientQuery {
  kind?: ClientKind;
  suspended?: boolean;
  /** Lower-case email prefix, matched literally. */
  emailPrefix?: string;
  /** Only clients whose email is (true) or is not (false) verified. */
  emailVerified?: boolean;
  /** Return only ids greater than this (the paging cursor). */
  afterId?: string;
  limit: number;
}

/** A deletion as recorded on the client's record, from the moment it is decided until the record is removed. */
export interface PendingDeletion {
  /** The id of the deletion request (and of its outbox entry). */
  requestId: string;
  at: Date;
  /** The id of the client who asked for it. */
  by: string;
}

/** A client marked deleted whose record is not yet removed. */
export interface MarkedClient {
  client: ClientRecord;
  deletion: PendingDeletion;
}

/**
 * Stores clients.
 * - `insert` is atomic on the email: under concurrent inserts of one email exactly one
 *   succeeds and every other throws `DuplicateKeyError('email')`.
 * - `update` sets the given fields and returns the new record, or null if none has the id.
 * - `list` returns clients ordered by id ascending, so paging with `afterId` is stable.
 * - `markDeleted` records a deletion on the client in one change of its record (no store
 *   we support has multi-document transactions, so this one write is the moment of
 *   deletion). From then on `findById`, `findByEmail`, `list` and `update` act as if the
 *   client were gone, and `listMarkedDeleted` names it until `delete` removes it. Its
 *   email stays taken until then. It answers the client as marked, with the deletion
 *   stored (an earlier one if the client was marked already), or null if no client has the id.
 */
export interface ClientStore {
  insert(client: ClientRecord): Promise<void>;
  findById(id: string): Promise<ClientRecord | null>;
  findByEmail(email: string): Promise<ClientRecord | null>;
  update(id: string, changes: Partial<Omit<ClientRecord, 'id' | 'kind' | 'createdAt'>>): Promise<ClientRecord | null>;
  markDeleted(id: string, deletion: PendingDeletion): Promise<MarkedClient | null>;
  /** Clients marked deleted and not yet removed, oldest deletion first. */
  listMarkedDeleted(limit: number): Promise<MarkedClient[]>;
  /** Removes the client, marked or not; true if it existed. */
  delete(id: string): Promise<boolean>;
  list(query: ClientQuery): Promise<ClientRecord[]>;
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
 *   successor (null while it has none), or null when no token has the hash.
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

export type OutboxEventType = 'client.deletion_requested' | 'client.suspended' | 'client.reinstated';

/** An event that must reach the revocation list and the event bus. */
export interface OutboxEntry {
  /** Time-ordered id: entries are delivered in id order. */
  id: string;
  type: OutboxEventType;
  clientId: string;
  clientKind: ClientKind;
  at: Date;
  /** The id of the client who caused the event. */
  by: string;
  /** A suspension's reason; empty otherwise. */
  reason: string;
  deliveredAt: Date | null;
}

/**
 * Durable record of events not yet delivered.
 * - An entry `add`ed is kept until delivered and then for the record; nothing is dropped.
 * - `add` is idempotent by id: adding an entry whose id is stored already changes nothing,
 *   so a step that is retried after a crash announces its event once.
 * - `pending` returns undelivered entries in id order (the order they were written).
 * - `list` returns entries newest first; page with `beforeId` (the last id of a page).
 */
export interface Outbox {
  add(entry: OutboxEntry): Promise<void>;
  pending(limit: number): Promise<OutboxEntry[]>;
  markDelivered(id: string, at: Date): Promise<void>;
  list(query: { type?: OutboxEventType; pendingOnly?: boolean; beforeId?: string; limit: number }): Promise<OutboxEntry[]>;
  /** How many entries are waiting for delivery. */
  backlog(): Promise<number>;
}

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
 *   it throws `UnavailableError` (fails closed, never open).
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
   * Sets how the list refills itself from the stores, and runs it now. The shared copy
   * can be lost (a Redis restarted empty, or replaced by another); when the list notices,
   * it runs `refill` again, and until a refill has succeeded `status` throws
   * `UnavailableError` (fails closed). Resolves once the first refill is done; rejects
   * when it failed.
   */
  refillWith(refill: () => Promise<void>): Promise<void>;
  /** Entries held in memory, for metrics. */
  size(): RevocationListSize;
  /** Every entry in force; throws `UnavailableError` when the instance is not in sync. */
  snapshot(): RevocationSnapshot;
  close(): Promise<void>;
}

/** A request that every other service delete a client's data. */
export interface DeletionRequestEvent {
  clientId: string;
  kind: ClientKind;
  requestedAt: Date;
  requestedBy: string;
}

/** A change of a client's suspension, for other services to react to. */
export interface ClientStateEvent {
  type: 'client.suspended' | 'client.reinstated';
  clientId: string;
  at: Date;
  by: string;
  reason: string;
}

/**
 * Delivers events to other services.
 * - `publishDeletionRequest` resolves only once the bus has accepted the request durably
 *   (for Redis: the stream entry and the channel message); it rejects otherwise, and the
 *   caller retries. Delivery is at least once: consumers must be idempotent.
 */
export interface EventBus {
  publishDeletionRequest(event: DeletionRequestEvent): Promise<void>;
  publishClientEvent(event: ClientStateEvent): Promise<void>;
  close(): Promise<void>;
}
