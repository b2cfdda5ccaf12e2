import type { Outbox, OutboxEntry, OutboxEventType } from '../../domain/clients/ports.js';
import type { ClientKind } from '../../domain/kernel/client.js';
import { fromMillis, type SqliteDatabase, toMillis } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

interface OutboxRow {
  id: string;
  type: string;
  client_id: string;
  client_kind: string;
  at: number;
  by: string;
  reason: string;
  delivered_at: number | null;
}

/**
 * Events not yet delivered, in the `outbox` table, ordered by their time-ordered id.
 * Delivered entries stay: in the embedded set-up no Redis stream keeps deletion requests,
 * so this table is where ListDeletionRequests reads them back.
 */
export class SqliteOutbox implements Outbox {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      insert: db.prepare(
        'INSERT OR IGNORE INTO outbox (id, type, client_id, client_kind, at, by, reason, delivered_at) VALUES (@id, @type, @client_id, @client_kind, @at, @by, @reason, @delivered_at)',
      ),
      pending: db.prepare<[number], OutboxRow>('SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ?'),
      markDelivered: db.prepare<[number, string]>('UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL'),
      backlog: db.prepare<[], number>('SELECT count(*) FROM outbox WHERE delivered_at IS NULL').pluck(),
    };
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the outbox');
  }

  async add(entry: OutboxEntry): Promise<void> {
    this.statements.insert.run({
      id: entry.id,
      type: entry.type,
      client_id: entry.clientId,
      client_kind: entry.clientKind,
      at: toMillis(entry.at),
      by: entry.by,
      reason: entry.reason,
      delivered_at: toMillis(entry.deliveredAt),
    });
  }

  async pending(limit: number): Promise<OutboxEntry[]> {
    return this.statements.pending.all(limit).map(fromRow);
  }

  async markDelivered(id: string, at: Date): Promise<void> {
    this.statements.markDelivered.run(toMillis(at), id);
  }

  async list(query: { type?: OutboxEventType; pendingOnly?: boolean; beforeId?: string; limit: number }): Promise<OutboxEntry[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (query.type) {
      conditions.push('type = ?');
      values.push(query.type);
    }
    if (query.pendingOnly) conditions.push('delivered_at IS NULL');
    if (query.beforeId !== undefined) {
      conditions.push('id < ?');
      values.push(query.beforeId);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.db
      .prepare<unknown[], OutboxRow>(`SELECT * FROM outbox ${where} ORDER BY id DESC LIMIT ?`)
      .all(...values, query.limit)
      .map(fromRow);
  }

  async backlog(): Promise<number> {
    return this.statements.backlog.get()!;
  }
}

function fromRow(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    type: row.type as OutboxEventType,
    clientId: row.client_id,
    clientKind: row.client_kind as ClientKind,
    at: fromMillis(row.at),
    by: row.by,
    reason: row.reason,
    deliveredAt: fromMillis(row.delivered_at),
  };
}
