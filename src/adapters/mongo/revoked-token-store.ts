import type { Collection, Db } from 'mongodb';
import type { RevokedToken, RevokedTokenStore } from '../../domain/revocation/ports.js';
import { ensureIndexes } from './ensure-indexes.js';
import { withMongoOutages } from './mongo-outages.js';

/** Documents recorded before grants were kept have no `kind`: they are single tokens. */
type RevokedTokenDocument = Omit<RevokedToken, 'tokenId' | 'kind'> & { _id: string; kind?: RevokedToken['kind'] };

/**
 * Access tokens revoked one by one, and whole grants, in the `revoked_tokens` collection,
 * keyed by the token's `jti` or the grant's id. Expired ones are filtered out on every read and deleted by `sweepExpired`:
 * FerretDB, the tests' MongoDB, has no TTL indexes (docs/architecture.md).
 */
export class MongoRevokedTokenStore implements RevokedTokenStore {
  private readonly collection: Collection<RevokedTokenDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RevokedTokenDocument>('revoked_tokens');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the revoked token store');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.collection, [
      { key: { expiresAt: 1 }, name: 'expiry' },
      { key: { revokedAt: 1 }, name: 'revoked_at' },
    ]);
  }

  async record(token: RevokedToken): Promise<void> {
    await this.collection.updateOne(
      { _id: token.tokenId },
      { $set: { kind: token.kind, revokedAt: token.revokedAt, expiresAt: token.expiresAt } },
      { upsert: true },
    );
  }

  async listLive(query: { now: Date; revokedSince?: Date; afterId?: string; limit: number }): Promise<RevokedToken[]> {
    const documents = await this.collection
      .find({
        expiresAt: { $gt: query.now },
        ...(query.revokedSince === undefined ? {} : { revokedAt: { $gte: query.revokedSince } }),
        ...(query.afterId === undefined ? {} : { _id: { $gt: query.afterId } }),
      })
      .sort({ _id: 1 })
      .limit(query.limit)
      .toArray();
    return documents.map(({ _id, kind, revokedAt, expiresAt }) => ({ kind: kind ?? 'token', tokenId: _id, revokedAt, expiresAt }));
  }

  async sweepExpired(now: Date): Promise<number> {
    const { deletedCount } = await this.collection.deleteMany({ expiresAt: { $lte: now } });
    return deletedCount;
  }
}
