/**
 * The admin Overview's door: the counts it shows, each read from an index of the store that
 * holds what it counts (clients, sessions, the audit trail, the outbox).
 */
import type { AuditEventType } from '../audit/ports.js';
import type { OutboxEventType } from '../clients/ports.js';
import type { ClientKind } from '../kernel/client.js';

/** How many clients of one kind are (or are not) suspended. */
export interface ClientTally {
  kind: ClientKind;
  suspended: boolean;
  count: number;
}

/**
 * Counts for the admin Overview. Every count is served by an index (on SQLite a search or
 * a covering scan of an index; on MongoDB an index on the fields filtered), never a read
 * of the records themselves one by one, so it stays cheap at 100,000 clients.
 * - `clients` counts the clients not marked deleted, by kind and suspension; a pair with
 *   no client may be absent.
 * - `liveSessions` counts sessions neither revoked nor expired at `now`.
 * - `auditEvents` counts the records of the given types at or after `since`.
 * - `pendingOutbox` counts the outbox entries of the type not delivered yet.
 * - When the store cannot be reached, every method rejects with `UnavailableError`.
 */
export interface OverviewCounts {
  clients(): Promise<ClientTally[]>;
  liveSessions(now: Date): Promise<number>;
  auditEvents(types: readonly AuditEventType[], since: Date): Promise<number>;
  pendingOutbox(type: OutboxEventType): Promise<number>;
}
