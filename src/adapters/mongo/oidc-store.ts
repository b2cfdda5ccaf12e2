import type { Collection, Db } from 'mongodb';
import type { OidcRecord, OidcStore } from '../../domain/oidc/ports.js';
import { ensureIndexes } from './ensure-indexes.js';
import { withMongoOutages } from './mongo-outages.js';

/**
 * A record as stored: `_id` is `<model>:<id>`, and the payload is JSON text, since the
 * library's payloads have keys (resource URLs, claim names) MongoDB would read as paths.
 */
interface RecordDocument {
  _id: string;
  model: string;
  id: string;
  payload: string;
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
  accountId: string | null;
  expiresAt: Date | null;
  consumedAt: Date | null;
}

/**
 * The OpenID Provider's records in the `oidc_records` collection. Expired records are
 * filtered out on every read and deleted by `sweepExpired`: FerretDB, the tests' MongoDB,
 * has no TTL indexes (docs/architecture.md).
 */
export class MongoOidcStore implements OidcStore {
  private readonly collection: Collection<RecordDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RecordDocument>('oidc_records');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the OpenID Provider store');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.collection, [
      { key: { grantId: 1 }, name: 'grant' },
      { key: { uid: 1 }, name: 'uid' },
      { key: { userCode: 1 }, name: 'user_code' },
      { key: { accountId: 1 }, name: 'account' },
      { key: { expiresAt: 1 }, name: 'expiry' },
    ]);
  }

  async upsert(record: OidcRecord): Promise<void> {
    const { payload, ...rest } = record;
    const document: RecordDocument = { _id: `${record.model}:${record.id}`, ...rest, payload: JSON.stringify(payload) };
    await this.collection.replaceOne({ _id: document._id }, document, { upsert: true });
  }

  async find(model: string, id: string, now: Date): Promise<OidcRecord | null> {
    return liveRecord(await this.collection.findOne({ _id: `${model}:${id}` }), now);
  }

  async findByUid(model: string, uid: string, now: Date): Promise<OidcRecord | null> {
    return liveRecord(await this.collection.findOne({ uid, model }), now);
  }

  async findByUserCode(model: string, userCode: string, now: Date): Promise<OidcRecord | null> {
    return liveRecord(await this.collection.findOne({ userCode, model }), now);
  }

  async consume(model: string, id: string, at: Date): Promise<void> {
    await this.collection.updateOne({ _id: `${model}:${id}`, consumedAt: null }, { $set: { consumedAt: at } });
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.collection.deleteOne({ _id: `${model}:${id}` });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.collection.deleteMany({ grantId });
  }

  async grantIdsOfAccount(accountId: string): Promise<string[]> {
    const documents = await this.collection.find({ accountId }, { projection: { grantId: 1 } }).toArray();
    return [...new Set(documents.map((document) => document.grantId).filter((grantId): grantId is string => grantId !== null))];
  }

  async sweepExpired(now: Date): Promise<number> {
    const { deletedCount } = await this.collection.deleteMany({ expiresAt: { $ne: null, $lte: now } });
    return deletedCount;
  }
}

function liveRecord(document: RecordDocument | null, now: Date): OidcRecord | null {
  if (!document || (document.expiresAt !== null && document.expiresAt.getTime() <= now.getTime())) return null;
  const { _id, payload, ...rest } = document;
  return { ...rest, payload: JSON.parse(payload) as Record<string, unknown> };
}
