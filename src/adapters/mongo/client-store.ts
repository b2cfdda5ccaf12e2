import type { Collection, Db, Filter } from 'mongodb';
import type { ClientRecord } from '../../domain/client';
import { DuplicateKeyError } from '../../domain/errors';
import type { ClientQuery, ClientStore } from '../../domain/ports';
import { isDuplicateKey } from './connect';
import { withMongoOutages } from './outages';

type ClientDocument = Omit<ClientRecord, 'id'> & { _id: string };

/** Clients in the `clients` collection; a unique index on `email` makes registration atomic. */
export class MongoClientStore implements ClientStore {
  private readonly collection: Collection<ClientDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ClientDocument>('clients');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the client store');
  }

  /** One index per call: FerretDB builds them one at a time. */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
  }

  async insert(client: ClientRecord): Promise<void> {
    try {
      await this.collection.insertOne(toDocument(client));
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError('email');
      throw error;
    }
  }

  async findById(id: string): Promise<ClientRecord | null> {
    return fromDocument(await this.collection.findOne({ _id: id }));
  }

  async findByEmail(email: string): Promise<ClientRecord | null> {
    return fromDocument(await this.collection.findOne({ email }));
  }

  async update(id: string, changes: Partial<Omit<ClientRecord, 'id' | 'kind' | 'createdAt'>>): Promise<ClientRecord | null> {
    const result = await this.collection.updateOne({ _id: id }, { $set: changes });
    if (result.matchedCount === 0) return null;
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.collection.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }

  async list(query: ClientQuery): Promise<ClientRecord[]> {
    const filter: Filter<ClientDocument> = {};
    if (query.kind) filter.kind = query.kind;
    if (query.suspended !== undefined) filter.suspended = query.suspended;
    if (query.emailPrefix) filter.email = { $regex: `^${escapeRegex(query.emailPrefix)}` };
    if (query.afterId) filter._id = { $gt: query.afterId };
    const documents = await this.collection.find(filter).sort({ _id: 1 }).limit(query.limit).toArray();
    return documents.map((document) => fromDocument(document)!);
  }
}

function toDocument(client: ClientRecord): ClientDocument {
  const { id, ...rest } = client;
  return { _id: id, ...rest };
}

function fromDocument(document: ClientDocument | null): ClientRecord | null {
  if (!document) return null;
  const { _id, ...rest } = document;
  return { id: _id, ...rest };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
