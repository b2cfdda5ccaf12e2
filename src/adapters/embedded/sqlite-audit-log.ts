import type { AuditEvent, AuditEventType, AuditLog, AuditOutcome, AuditQuery } from '../../domain/audit/ports.js';
import { firstIdAt } from '../../domain/kernel/ids.js';
import { fromMillis, type SqliteDatabase, toMillis } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

interface AuditRow {
  id: string;
  at: number;
  type: string;
  outcome: string;
  actor: string;
  target: string;
  session_id: string;
  ip: string;
  user_agent: string;
  request_id: string;
  details_json: string;
}

/** The audit trail in the `audit_events` table, kept until `sweep` removes what is past retention. */
export class SqliteAuditLog implements AuditLog {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    // Positional parameters: binding by name looks each one up in an object, and every token
    // and sign-in writes a record (the figures: docs/benchmarks.md, client credentials).
    const insert = db.prepare<InsertValues>(
      'INSERT OR IGNORE INTO audit_events (id, at, type, outcome, actor, target, session_id, ip, user_agent, request_id, details_json) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.statements = {
      // One transaction per batch: one fsync, not one per record.
      insertAll: db.transaction((events: readonly AuditEvent[]) => {
        for (const event of events) insert.run(...valuesOf(event));
      }),
      sweep: db.prepare<[number]>('DELETE FROM audit_events WHERE at < ?'),
    };
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the audit log');
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    this.statements.insertAll(events);
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const where = (condition: string, ...given: unknown[]) => {
      conditions.push(condition);
      values.push(...given);
    };
    if (query.target !== undefined) where('target = ?', query.target);
    if (query.actor !== undefined) where('actor = ?', query.actor);
    if (query.types !== undefined) where(`type IN (${query.types.map(() => '?').join(', ') || 'NULL'})`, ...query.types);
    if (query.outcome !== undefined) where('outcome = ?', query.outcome);
    if (query.ip !== undefined) where('ip = ?', query.ip);
    // A record's id carries a time at or after its `at` (newId), so the id bound keeps every
    // record in range and lets the index that gives the order (the primary key, or (ip, id),
    // (target, id), (actor, id)) skip the older ones. `at` stays the exact test, written
    // `+at` so the planner does not read the `at` index and then sort the whole range.
    if (query.from !== undefined) where('id >= ? AND +at >= ?', firstIdAt(query.from.getTime()), toMillis(query.from));
    if (query.to !== undefined) where('+at < ?', toMillis(query.to));
    if (query.beforeId !== undefined) where('id < ?', query.beforeId);
    const clause = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.db
      .prepare<unknown[], AuditRow>(`SELECT * FROM audit_events ${clause} ORDER BY id DESC LIMIT ?`)
      .all(...values, query.limit)
      .map(fromRow);
  }

  async sweep(before: Date): Promise<number> {
    return this.statements.sweep.run(toMillis(before)).changes;
  }
}

/** An insert's values, in the order of its columns. */
type InsertValues = [string, number, string, string, string, string, string, string, string, string, string];

function valuesOf(event: AuditEvent): InsertValues {
  return [
    event.id,
    toMillis(event.at),
    event.type,
    event.outcome,
    event.actor,
    event.target,
    event.sessionId,
    event.ip,
    event.userAgent,
    event.requestId,
    JSON.stringify(event.details),
  ];
}

function fromRow(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    at: fromMillis(row.at),
    type: row.type as AuditEventType,
    outcome: row.outcome as AuditOutcome,
    actor: row.actor,
    target: row.target,
    sessionId: row.session_id,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    details: JSON.parse(row.details_json) as AuditEvent['details'],
  };
}
