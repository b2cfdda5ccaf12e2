import type { AuditEventType } from '../../domain/audit/ports.js';
import type { OutboxEventType } from '../../domain/clients/ports.js';
import type { ClientKind } from '../../domain/kernel/client.js';
import type { ClientTally, OverviewCounts } from '../../domain/overview/ports.js';
import { type SqliteDatabase, toMillis } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

/**
 * The admin Overview's counts. Each statement is answered from one index of the schema's
 * overview migration (sqlite-schema.ts) that covers what it filters, so SQLite counts index
 * entries and never reads a row.
 */
export class SqliteOverviewCounts implements OverviewCounts {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      clients: db.prepare<[], { kind: string; suspended: number; count: number }>(
        'SELECT kind, suspended, count(*) AS count FROM clients WHERE deletion_request_id IS NULL GROUP BY kind, suspended',
      ),
      liveSessions: db.prepare<[number], number>('SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > ?').pluck(),
      pendingOutbox: db.prepare<[string], number>('SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND type = ?').pluck(),
    };
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the overview counts');
  }

  async clients(): Promise<ClientTally[]> {
    return this.statements.clients.all().map((row) => ({ kind: row.kind as ClientKind, suspended: row.suspended === 1, count: row.count }));
  }

  async liveSessions(now: Date): Promise<number> {
    return this.statements.liveSessions.get(toMillis(now))!;
  }

  async auditEvents(types: readonly AuditEventType[], since: Date): Promise<number> {
    if (types.length === 0) return 0;
    const placeholders = types.map(() => '?').join(', ');
    const statement = this.db.prepare<unknown[], number>(`SELECT count(*) FROM audit_events WHERE type IN (${placeholders}) AND at >= ?`).pluck();
    return statement.get(...types, toMillis(since))!;
  }

  async pendingOutbox(type: OutboxEventType): Promise<number> {
    return this.statements.pendingOutbox.get(type)!;
  }
}
