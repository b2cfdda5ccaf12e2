/**
 * The clients' door: where clients are stored, the outbox of events not yet delivered,
 * and the bus that carries them to other services. Each port states the guarantees its
 * adapters must keep; test/contract/ runs one suite per port against every adapter.
 */
import type { ClientKind, ClientRecord } from '../kernel/client.js';

/** Filters and paging of `ClientStore.list`. */
export interface ClientQuery {
  kind?: ClientKind;
  suspended?: boolean;
  /** Lower-case email prefix, matched literally. */
  emailPrefix?: string;
  /** Only clients whose email is (true) or is not (false) verified. */
  emailVerified?: boolean;
  /** Only clients with this group among their groups; a valid group name. */
  group?: string;
  /**
   * Newest first: ids in descending order. Ids are UUIDv7, so id order is creation order
   * (an imported client keeps its original id, and sorts by it).
   */
  newestFirst?: boolean;
  /** The paging cursor: only ids after this one in the list's order (greater, or smaller with `newestFirst`). */
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
 * - `insert` is atomic on the email and on what a reader sees in it: under concurrent
 *   inserts of one email, or of emails that read alike (`ɑdmin@` and `admin@`: the same
 *   skeleton, an adapter's rule after UTS #39, see docs/adr/0009-email-skeletons.md), exactly
 *   one succeeds and every other throws `DuplicateKeyError('email')`. A stored client's
 *   look-alike is refused however long ago it was stored. `update` of the email keeps both
 *   guarantees, with the same error.
 * - `update` sets the given fields and returns the new record, or null if none has the id.
 * - `list` returns clients ordered by id, ascending (descending with `newestFirst`), so
 *   paging with `afterId` is stable; both orders are served by the primary key. With
 *   `group`, both are served by an index on (group, id), and a change of a client's groups
 *   (or its deletion) shows in the next `list`.
 * - `markDeleted` records a deletion on the client in one change of its record (no store
 *   we support has multi-document transactions, so this one write is the moment of
 *   deletion). From then on `findById`, `findByEmail`, `list` and `update` act as if the
 *   client were gone, and `listMarkedDeleted` names it until `delete` removes it. Its
 *   email stays taken until then. It answers the client as marked, with the deletion
 *   stored (an earlier one if the client was marked already), or null if no client has the id.
 */
export interface ClientStore {
  insert(client: ClientRecord): Promise<void>;
  /**
   * The client of `id`, or null. With `current`, read from the store itself, past any cache
   * in front of it: for a decision that must see a change made through another instance even
   * when that instance could not announce it (the admin check).
   */
  findById(id: string, read?: { current?: boolean }): Promise<ClientRecord | null>;
  findByEmail(email: string): Promise<ClientRecord | null>;
  update(id: string, changes: Partial<Omit<ClientRecord, 'id' | 'kind' | 'createdAt' | 'lastTokenIssuedAt'>>): Promise<ClientRecord | null>;
  /**
   * Sets `lastTokenIssuedAt` to `at` unless the stored one is at or after `notBefore`, in one
   * conditional write: instances issuing tokens to one service at once write its record at
   * most once per interval, and the time never goes back. A client marked deleted, or none,
   * is left alone. It does not change `updatedAt`: the record itself has not changed.
   */
  recordTokenIssue(id: string, at: Date, notBefore: Date): Promise<void>;
  markDeleted(id: string, deletion: PendingDeletion): Promise<MarkedClient | null>;
  /** Clients marked deleted and not yet removed, oldest deletion first. */
  listMarkedDeleted(limit: number): Promise<MarkedClient[]>;
  /** Removes the client, marked or not; true if it existed. */
  delete(id: string): Promise<boolean>;
  list(query: ClientQuery): Promise<ClientRecord[]>;
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

/**
 * What registration asks of email verification: the first verification mail of a new user.
 * Does nothing when verification is off; rejects when the mail could not be queued (the
 * user can ask for it again).
 */
export interface VerificationMail {
  mailNewUser(client: ClientRecord): Promise<void>;
}

/**
 * The grants a person gave apps at the OpenID Provider. `revokeGrantsOf` ends every one of
 * them at once on every instance (their refresh tokens and codes, and their access tokens
 * through the revocation list); idempotent, and a person with none costs one read.
 */
export interface AppGrants {
  revokeGrantsOf(clientId: string): Promise<void>;
}

/** The check of a signed-in user's current password, for the changes only its owner may make. */
export { type PasswordProofDeps, provesPassword } from './password-proof.js';
