import type { Collection, Db, Filter } from 'mongodb';
import type { RefreshTokenRecord, SessionRecord, SessionStore } from '../../domain/ports';
import { isDuplicateKey } from './connect';
import { withMongoOutages } from './outages';

type SessionDocument = Omit<SessionRecord, 'id'> & { _id: string };
type TokenDocument = Omit<RefreshTokenRecord, 'hash'> & { _id: string };
/** The claim that a token has been rotated, keyed by the retired token's hash. */
interface RotationDocument {
  _id: string;
  sessionId: string;
  clientId: string;
  expiresAt: Date;
}

/**
 * Sessions in `sessions`, refresh tokens in `refresh_tokens` keyed by their hash.
 * Rotation first claims the old token in `refresh_token_rotations`, keyed by its hash:
 * an insert on `_id`, which is atomic on MongoDB and FerretDB alike (FerretDB's updates are
 * not isolated), so exactly one caller wins; only the winner then stores the new token.
 * Keying the claim by `_id` also makes the reuse check a primary-key lookup.
 */
export class MongoSessionStore implements SessionStore {
  private readonly sessions: Collection<SessionDocument>;
  private readonly tokens: Collection<TokenDocument>;
  private readonly rotations: Collection<RotationDocument>;

  constructor(db: Db) {
    this.sessions = db.collection<SessionDocument>('sessions');
    this.tokens = db.collection<TokenDocument>('refresh_tokens');
    this.rotations = db.collection<RotationDocument>('refresh_token_rotations');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the session store');
  }

  async ensureIndexes(): Promise<void> {
    await this.tokens.createIndex({ clientId: 1 }, { name: 'client' });
    await this.rotations.createIndex({ clientId: 1 }, { name: 'client' });
    await this.sessions.createIndex({ clientId: 1 }, { name: 'client' });
  }

  async create(session: SessionRecord, firstToken: RefreshTokenRecord): Promise<void> {
    const { id, ...rest } = session;
    await this.sessions.insertOne({ _id: id, ...rest });
    await this.tokens.insertOne(tokenDocument(firstToken));
  }

  async findSession(id: string): Promise<SessionRecord | null> {
    const document = await this.sessions.findOne({ _id: id });
    if (!document) return null;
    const { _id, ...rest } = document;
    return { id: _id, ...rest };
  }

  async findToken(hash: string): Promise<RefreshTokenRecord | null> {
    const document = await this.tokens.findOne({ _id: hash });
    if (!document) return null;
    const { _id, ...rest } = document;
    return { hash: _id, ...rest };
  }

  async isRetired(hash: string): Promise<boolean> {
    return (await this.rotations.findOne({ _id: hash }, { projection: { _id: 1 } })) !== null;
  }

  async rotate(parentHash: string, next: RefreshTokenRecord): Promise<boolean> {
    try {
      await this.rotations.insertOne({ _id: parentHash, sessionId: next.sessionId, clientId: next.clientId, expiresAt: next.expiresAt });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    // Should this insert fail, the old token stays retired with no successor: the session
    // must log in again, which is the safe side.
    await this.tokens.insertOne(tokenDocument({ ...next, parent: parentHash }));
    return true;
  }

  async revoke(sessionId: string, at: Date): Promise<void> {
    await this.sessions.updateOne({ _id: sessionId, revokedAt: null }, { $set: { revokedAt: at } });
  }

  async revokeAllOfClient(clientId: string, at: Date, exceptSessionId?: string): Promise<string[]> {
    const live = await this.sessions
      .find({ clientId, revokedAt: null, expiresAt: { $gt: at } }, { projection: { _id: 1 } })
      .toArray();
    const ids = live.map((session) => session._id).filter((id) => id !== exceptSessionId);
    if (ids.length > 0) await this.sessions.updateMany({ _id: { $in: ids } }, { $set: { revokedAt: at } });
    return ids;
  }

  async deleteAllOfClient(clientId: string): Promise<void> {
    await this.tokens.deleteMany({ clientId });
    await this.rotations.deleteMany({ clientId });
    await this.sessions.deleteMany({ clientId });
  }

  async sweepExpired(now: Date): Promise<number> {
    await this.tokens.deleteMany({ expiresAt: { $lte: now } });
    await this.rotations.deleteMany({ expiresAt: { $lte: now } });
    const result = await this.sessions.deleteMany({ expiresAt: { $lte: now } });
    return result.deletedCount;
  }

  async listRevoked(query: { revokedAfter: Date; afterId?: string; limit: number }): Promise<SessionRecord[]> {
    const filter: Filter<SessionDocument> = { revokedAt: { $gt: query.revokedAfter } };
    if (query.afterId !== undefined) filter._id = { $gt: query.afterId };
    const documents = await this.sessions.find(filter).sort({ _id: 1 }).limit(query.limit).toArray();
    return documents.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }
}

function tokenDocument(token: RefreshTokenRecord): TokenDocument {
  const { hash, ...rest } = token;
  return { _id: hash, ...rest };
}
