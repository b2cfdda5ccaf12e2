/** An in-memory AuditLog for unit tests; `down` makes it fail as an unreachable store. */
import type { AuditEvent, AuditLog, AuditQuery } from '../../../src/domain/audit/ports.js';
import { UnavailableError } from '../../../src/domain/kernel/errors.js';

export class FakeAuditLog implements AuditLog {
  readonly records = new Map<string, AuditEvent>();
  down = false;
  appends = 0;

  async append(events: readonly AuditEvent[]): Promise<void> {
    this.appends++;
    if (this.down) throw new UnavailableError('the audit log');
    for (const event of events) if (!this.records.has(event.id)) this.records.set(event.id, structuredClone(event));
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    if (this.down) throw new UnavailableError('the audit log');
    return [...this.records.values()]
      .filter(
        (e) =>
          (query.target === undefined || e.target === query.target) &&
          (query.actor === undefined || e.actor === query.actor) &&
          (query.types === undefined || query.types.includes(e.type)) &&
          (query.outcome === undefined || e.outcome === query.outcome) &&
          (query.from === undefined || e.at >= query.from) &&
          (query.to === undefined || e.at < query.to) &&
          (query.beforeId === undefined || e.id < query.beforeId),
      )
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, query.limit)
      .map((e) => structuredClone(e));
  }

  async sweep(before: Date): Promise<number> {
    if (this.down) throw new UnavailableError('the audit log');
    let removed = 0;
    for (const [id, event] of this.records) if (event.at < before && this.records.delete(id)) removed++;
    return removed;
  }
}
