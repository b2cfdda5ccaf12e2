import type { Collection, Db, Filter } from 'mongodb';
import type { Outbox, OutboxEntry, OutboxEventType } from '../../domain/clients/ports.js';
import { ensureIndexes } from './ensure-indexes.js';
import { isDuplicateKey } from './mongo-connect.js';
import { withMongoOutages } from './mongo-outages.js';

type OutboxDocument = Omit<OutboxEntry, 'id'> & { _id: string };

/** Events not yet delivered, in the `outbox` collection, ordered by their time-ordered id. */
export class MongoOutbox implements Outbox {
  private readonly collection: Collection<OutboxDocument>;

  constructor(db: Db) {
    this.collection = db.collection<OutboxDocument>('outbox');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the outbox');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.collection, [{ key: { deliveredAt: 1 }, name: 'delivered' }]);
  }

  async add(entry: OutboxEntry): Promise<void> {
    const { id, ...rest } = entry;
    try {
      await this.collection.insertOne({ _id: id, ...rest });
    } catch (error) {
      // The entry is already there (a retried step): it is stored once, as the port promises.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async pending(limit: number): Promise<OutboxEntry[]> {
    const documents = await this.collection.find({ deliveredAt: null }).sort({ _id: 1 }).limit(limit).toArray();
    return documents.map(fromDocument);
  }

  async markDelivered(id: string, at: Date): Promise<void> {
    await this.collection.updateOne({ _id: id, deliveredAt: null }, { $set: { deliveredAt: at } });
  }

  async list(query: { type?: OutboxEventType; pendingOnly?: boolean; beforeId?: string; limit: number }): Promise<OutboxEntry[]> {
    const filter: Filter<OutboxDocument> = {};
    if (query.type) filter.type = query.type;
    if (query.pendingOnly) filter.deliveredAt = null;
    if (query.beforeId !== undefined) filter._id = { $lt: query.beforeId };
    const documents = await this.collection.find(filter).sort({ _id: -1 }).limit(query.limit).toArray();
    return documents.map(fromDocument);
  }

  async backlog(): Promise<number> {
    return this.collection.countDocuments({ deliveredAt: null });
  }
}

function fromDocument(document: OutboxDocument): OutboxEntry {
  const { _id, ...rest } = document;
  return { id: _id, ...rest };
}
