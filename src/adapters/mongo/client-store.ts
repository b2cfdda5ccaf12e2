import type { Collection, Db, Filter } from 'mongodb';
import type { ClientQuery, ClientStore, MarkedClient, PendingDeletion } from '../../domain/clients/ports.js';
import type { ClientRecord } from '../../domain/kernel/client.js';
import { DuplicateKeyError } from '../../domain/kernel/errors.js';
import { isDuplicateKey } from './mongo-connect.js';
import { withMongoOutages } from './mongo-outages.js';

/** A client as stored; `deletion` is present only once the client is marked deleted. */
type ClientDocument = Omit<ClientRecord, 'id'> & { _id: string; deletion?: PendingDeletion };

/** Matches the clients not marked deleted: the only ones the port lets callers see. */
const LIVE = { deletion: { $exists: false } } as const;

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
    return fromDocument(live(await this.collection.findOne({ _id: id })));
  }

  async findByEmail(email: string): Promise<ClientRecord | null> {
    return fromDocument(live(await this.collection.findOne({ email })));
  }

  async update(id: string, changes: Partial<Omit<ClientRecord, 'id' | 'kind' | 'createdAt'>>): Promise<ClientRecord | null> {
    const result = await this.collection.updateOne({ _id: id, ...LIVE }, { $set: changes });
    if (result.matchedCount === 0) return null;
    return this.findById(id);
  }

  async markDeleted(id: string, deletion: PendingDeletion): Promise<MarkedClient | null> {
    await this.collection.updateOne({ _id: id, ...LIVE }, { $set: { deletion } });
    // Read back: if the client was marked already, its earlier deletion is the one that stands.
    return markedOf(await this.collection.findOne({ _id: id }));
  }

  async listMarkedDeleted(limit: number): Promise<MarkedClient[]> {
    const documents = await this.collection
      .find({ deletion: { $exists: true } })
      .sort({ 'deletion.at': 1 })
      .limit(limit)
      .toArray();
    return documents.map((document) => markedOf(document)!);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.collection.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }

  async list(query: ClientQuery): Promise<ClientRecord[]> {
    const filter: Filter<ClientDocument> = { ...LIVE };
    if (query.kind) filter.kind = query.kind;
    if (query.suspended !== undefined) filter.suspended = query.suspended;
    // Records from before email verification have no field at all: null matches them too.
    if (query.emailVerified !== undefined) filter.emailVerifiedAt = query.emailVerified ? { $ne: null } : null;
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
  const { _id, deletion: _deletion, ...rest } = document;
  return { id: _id, ...rest, emailVerifiedAt: rest.emailVerifiedAt ?? null };
}

/**
 * The document unless it is marked deleted. Lookups by a unique key filter here rather than
 * in the query, so they keep the plain equality FerretDB serves from its index.
 */
function live(document: ClientDocument | null): ClientDocument | null {
  return document && document.deletion === undefined ? document : null;
}

function markedOf(document: ClientDocument | null): MarkedClient | null {
  if (!document?.deletion) return null;
  return { client: fromDocument(document)!, deletion: document.deletion };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
