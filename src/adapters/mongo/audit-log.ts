import { type Collection, type Db, type Filter, MongoBulkWriteError } from 'mongodb';
import type { AuditEvent, AuditLog, AuditQuery } from '../../domain/audit/ports.js';
import { firstIdAt } from '../../domain/kernel/ids.js';
import { ensureIndexes } from './ensure-indexes.js';
import { withMongoOutages } from './mongo-outages.js';

type AuditDocument = Omit<AuditEvent, 'id'> & { _id: string };

/**
 * The audit trail in `audit_events`, keyed by the time-ordered record id. FerretDB has no
 * TTL indexes, so retention is `sweep`, run by the service on a timer.
 */
export class MongoAuditLog implements AuditLog {
  private readonly collection: Collection<AuditDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AuditDocument>('audit_events');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the audit log');
  }

  /** One index per call: FerretDB builds one at a time. */
  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.collection, [
      { key: { at: 1 }, name: 'at' },
      { key: { target: 1, _id: -1 }, name: 'target' },
      { key: { actor: 1, _id: -1 }, name: 'actor' },
      { key: { ip: 1, _id: -1 }, name: 'ip' },
      // The admin Overview's sign-in counts of the last day (overview-counts.ts).
      { key: { type: 1, at: 1 }, name: 'type_at' },
    ]);
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.collection.insertMany(
        events.map(({ id, ...rest }) => ({ _id: id, ...rest })),
        { ordered: false },
      );
    } catch (error) {
      // Records stored by an earlier try of this batch: each is kept once, as the port promises.
      const onlyDuplicates = error instanceof MongoBulkWriteError && Array.isArray(error.writeErrors) && error.writeErrors.every((w) => w.code === 11000);
      if (!onlyDuplicates) throw error;
    }
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    const filter: Filter<AuditDocument> = {};
    if (query.target !== undefined) filter.target = query.target;
    if (query.actor !== undefined) filter.actor = query.actor;
    if (query.types !== undefined) filter.type = { $in: [...query.types] };
    if (query.outcome !== undefined) filter.outcome = query.outcome;
    if (query.ip !== undefined) filter.ip = query.ip;
    if (query.from !== undefined || query.to !== undefined) {
      filter.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
    }
    // A record's id carries a time at or after its `at` (newId), so this bound keeps every
    // record in range and lets the index that gives the order (`_id`, or target, actor or
    // ip with `_id`) skip the older ones.
    const lower = query.from !== undefined ? { $gte: firstIdAt(query.from.getTime()) } : {};
    const upper = query.beforeId !== undefined ? { $lt: query.beforeId } : {};
    if (query.from !== undefined || query.beforeId !== undefined) filter._id = { ...lower, ...upper };
    const documents = await this.collection.find(filter).sort({ _id: -1 }).limit(query.limit).toArray();
    return documents.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  async sweep(before: Date): Promise<number> {
    const result = await this.collection.deleteMany({ at: { $lt: before } });
    return result.deletedCount;
  }
}
