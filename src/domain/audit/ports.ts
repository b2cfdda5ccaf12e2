/** The audit trail's ports: where records are stored and read back, and where they are streamed. */
import type { AuditEvent, AuditEventType, AuditOutcome } from './audit-event.js';

/** Filters and paging of `AuditLog.list`. */
export interface AuditQuery {
  /** The client acted upon. */
  target?: string;
  actor?: string;
  types?: readonly AuditEventType[];
  outcome?: AuditOutcome;
  /** Records at or after this time. */
  from?: Date;
  /** Records before this time. */
  to?: Date;
  /** Return only ids less than this (the paging cursor). */
  beforeId?: string;
  limit: number;
}

/**
 * Stores the audit trail.
 * - `append` is idempotent by id: a batch retried after a failure stores each record once.
 * - `list` returns records newest first (id descending), so paging with `beforeId` is
 *   stable while records are appended.
 * - `sweep` removes every record older than `before` and returns how many (stores without
 *   TTL indexes, FerretDB among them, need it).
 * - When the store cannot be reached, every method rejects with `UnavailableError`.
 */
export interface AuditLog {
  append(events: readonly AuditEvent[]): Promise<void>;
  list(query: AuditQuery): Promise<AuditEvent[]>;
  sweep(before: Date): Promise<number>;
}

/**
 * Publishes audit records for shippers (a SIEM). At least once: a batch may be published
 * again after a failure, and consumers dedupe by the record's id.
 */
export interface AuditStream {
  publish(events: readonly AuditEvent[]): Promise<void>;
}
