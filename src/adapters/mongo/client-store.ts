import type { Collection, Db, Filter } from 'mongodb';
import type { ClientQuery, ClientStore, MarkedClient, PendingDeletion } from '../../domain/clients/ports.js';
import type { ClientRecord } from '../../domain/kernel/client.js';
import { DuplicateKeyError } from '../../domain/kernel/errors.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { emailSkeleton, reportLookAlike, shadowedSkeleton } from '../confusables/email-skeleton.js';
import { ensureIndexes } from './ensure-indexes.js';
import { isDuplicateKey } from './mongo-connect.js';
import { withMongoOutages } from './mongo-outages.js';

/**
 * A client as stored; `deletion` is present only once the client is marked deleted, and
 * `emailSkeleton` is absent only on documents of an earlier release until the start-up
 * fills it (`fillEmailSkeletons`).
 */
type ClientDocument = Omit<ClientRecord, 'id'> & { _id: string; deletion?: PendingDeletion; emailSkeleton?: string };

/** Matches the clients not marked deleted: the only ones the port lets callers see. */
const LIVE = { deletion: { $exists: false } } as const;

/**
 * Clients in the `clients` collection; unique indexes on `email` and on `emailSkeleton` make
 * registration atomic on the email and on what a reader sees in it (an insert is atomic on
 * every unique index, on MongoDB and FerretDB alike).
 */
export class MongoClientStore implements ClientStore {
  private readonly collection: Collection<ClientDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ClientDocument>('clients');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the client store');
  }

  /** Creates the indexes missing (ensure-indexes.ts): none on a start over a database that has them. */
  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.collection, [
      { key: { email: 1 }, unique: true, name: 'email_unique' },
      // Sparse: the documents of an earlier release, without the field, are not one duplicate "null".
      { key: { emailSkeleton: 1 }, unique: true, sparse: true, name: 'email_skeleton_unique' },
      // Multikey (groups is an array): the list filtered by a group reads its entries in id order.
      { key: { groups: 1, _id: 1 }, name: 'groups_id' },
      // The admin Overview's counts by kind and suspension (overview-counts.ts).
      { key: { kind: 1, suspended: 1 }, name: 'kind_suspended' },
    ]);
  }

  /**
   * Gives the documents an earlier release stored their email's skeleton, at start-up
   * (after `ensureIndexes`, before the service serves), 500 at a time; returns how many
   * it filled. Each write is conditional on the field still being absent, so instances
   * starting together fill each document once. A document whose email reads as another's
   * that has its skeleton already keeps working under a skeleton no email can have, and is
   * logged: look-alikes of both stay refused, since they read as the other one.
   */
  async fillEmailSkeletons(log: Logger): Promise<number> {
    let filled = 0;
    for (;;) {
      const batch = await this.collection
        .find({ emailSkeleton: { $exists: false } }, { projection: { _id: 1, email: 1 } })
        .sort({ _id: 1 })
        .limit(500)
        .toArray();
      if (batch.length === 0) break;
      for (const { _id: id, email } of batch) {
        const skeleton = emailSkeleton(email);
        const unfilled = { _id: id, emailSkeleton: { $exists: false } };
        try {
          await this.collection.updateOne(unfilled, { $set: { emailSkeleton: skeleton } });
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          const holder = await this.collection.findOne({ emailSkeleton: skeleton }, { projection: { _id: 1 } });
          await this.collection.updateOne(unfilled, { $set: { emailSkeleton: shadowedSkeleton(skeleton, id) } });
          reportLookAlike(log, holder?._id ?? '', id);
        }
        filled++;
      }
    }
    if (filled > 0) log.info({ filled }, 'email skeletons filled for clients stored by an earlier release');
    return filled;
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

  async update(id: string, changes: Partial<Omit<ClientRecord, 'id' | 'kind' | 'createdAt' | 'lastTokenIssuedAt'>>): Promise<ClientRecord | null> {
    const set = changes.email === undefined ? changes : { ...changes, emailSkeleton: emailSkeleton(changes.email) };
    let matched: number;
    try {
      matched = (await this.collection.updateOne({ _id: id, ...LIVE }, { $set: set })).matchedCount;
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError('email');
      throw error;
    }
    if (matched === 0) return null;
    return this.findById(id);
  }

  async recordTokenIssue(id: string, at: Date, notBefore: Date): Promise<void> {
    // `null` matches documents without the field too (those of earlier releases).
    const older = { $or: [{ lastTokenIssuedAt: null }, { lastTokenIssuedAt: { $lt: notBefore } }] };
    await this.collection.updateOne({ _id: id, ...LIVE, ...older }, { $set: { lastTokenIssuedAt: at } });
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
    if (query.group !== undefined) filter.groups = query.group;
    if (query.afterId) filter._id = query.newestFirst ? { $lt: query.afterId } : { $gt: query.afterId };
    const documents = await this.collection
      .find(filter)
      .sort({ _id: query.newestFirst ? -1 : 1 })
      .limit(query.limit)
      .toArray();
    return documents.map((document) => fromDocument(document)!);
  }
}

function toDocument(client: ClientRecord): ClientDocument {
  const { id, ...rest } = client;
  return { _id: id, ...rest, emailSkeleton: emailSkeleton(client.email) };
}

function fromDocument(document: ClientDocument | null): ClientRecord | null {
  if (!document) return null;
  const { _id, deletion: _deletion, emailSkeleton: _skeleton, ...rest } = document;
  return { id: _id, ...rest, emailVerifiedAt: rest.emailVerifiedAt ?? null, lastTokenIssuedAt: rest.lastTokenIssuedAt ?? null };
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
