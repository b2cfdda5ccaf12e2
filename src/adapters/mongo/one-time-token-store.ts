import type { Collection, Db } from 'mongodb';
import type { OneTimeTokenRecord, OneTimeTokenStore, TokenPurpose } from '../../domain/recovery/ports.js';
import { ensureIndexes } from './ensure-indexes.js';
import { withMongoOutages } from './mongo-outages.js';

type TokenDocument = Omit<OneTimeTokenRecord, 'hash'> & { _id: string };

/**
 * One-time tokens in the `one_time_tokens` collection, keyed by their hash. A token goes
 * to the one caller whose delete removed it: a delete by _id is atomic on MongoDB and on
 * FerretDB alike, where a find-and-modify is not isolated.
 */
export class MongoOneTimeTokenStore implements OneTimeTokenStore {
  private readonly collection: Collection<TokenDocument>;

  constructor(db: Db) {
    this.collection = db.collection<TokenDocument>('one_time_tokens');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the one-time token store');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.collection, [{ key: { clientId: 1 }, name: 'client' }]);
  }

  async add(token: OneTimeTokenRecord): Promise<void> {
    const { hash, ...rest } = token;
    await this.collection.insertOne({ _id: hash, ...rest });
  }

  async find(hash: string, purpose: TokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
    const document = await this.collection.findOne({ _id: hash });
    if (!document || document.purpose !== purpose || document.expiresAt.getTime() <= now.getTime()) return null;
    const { _id, ...rest } = document;
    return { hash: _id, ...rest };
  }

  async consume(hash: string, purpose: TokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
    const document = await this.collection.findOne({ _id: hash });
    if (!document || document.purpose !== purpose) return null;
    const { deletedCount } = await this.collection.deleteOne({ _id: hash });
    if (deletedCount !== 1 || document.expiresAt.getTime() <= now.getTime()) return null;
    const { _id, ...rest } = document;
    return { hash: _id, ...rest };
  }

  async deleteAllOfClient(clientId: string, purpose?: TokenPurpose): Promise<void> {
    await this.collection.deleteMany(purpose === undefined ? { clientId } : { clientId, purpose });
  }

  async sweepExpired(now: Date): Promise<number> {
    const { deletedCount } = await this.collection.deleteMany({ expiresAt: { $lte: now } });
    return deletedCount;
  }
}
