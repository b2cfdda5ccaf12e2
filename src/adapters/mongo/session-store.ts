import type { Collection, Db } from 'mongodb';
import type { RefreshTokenRecord, SessionRecord, SessionStore } from '../../domain/ports';
import { isDuplicateKey } from './connect';

type SessionDocument = Omit<SessionRecord, 'id'> & { _id: string };
type TokenDocument = Omit<RefreshTokenRecord, 'hash'> & { _id: string };

/**
 * Sessions in `sessions`, refresh tokens in `refresh_tokens` keyed by their hash. A unique
 * index on `parent` lets each token have one successor only: rotation is a single insert,
 * which is atomic on MongoDB and FerretDB alike (FerretDB's updates are not isolated).
 */
export class MongoSessionStore implements SessionStore {
  private readonly sessions: Collection<SessionDocument>;
  private readonly tokens: Collection<TokenDocument>;

  constructor(db: Db) {
    this.sessions = db.collection<SessionDocument>('sessions');
    this.tokens = db.collection<TokenDocument>('refresh_tokens');
  }

  async ensureIndexes(): Promise<void> {
    await this.tokens.createIndex({ parent: 1 }, { unique: true, name: 'parent_unique' });
    await this.tokens.createIndex({ clientId: 1 }, { name: 'client' });
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
    return (await this.tokens.countDocuments({ parent: hash }, { limit: 1 })) > 0;
  }

  async rotate(parentHash: string, next: RefreshTokenRecord): Promise<boolean> {
    try {
      await this.tokens.insertOne(tokenDocument({ ...next, parent: parentHash }));
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
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
    await this.sessions.deleteMany({ clientId });
  }

  async sweepExpired(now: Date): Promise<number> {
    await this.tokens.deleteMany({ expiresAt: { $lte: now } });
    const result = await this.sessions.deleteMany({ expiresAt: { $lte: now } });
    return result.deletedCount;
  }
}

function tokenDocument(token: RefreshTokenRecord): TokenDocument {
  const { hash, ...rest } = token;
  return { _id: hash, ...rest };
}
