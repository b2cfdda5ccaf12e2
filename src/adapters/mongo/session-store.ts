import type { Collection, Db, Filter } from 'mongodb';
import type { RefreshTokenRecord, SessionRecord, SessionStore, TokenForRotation } from '../../domain/ports';
import { isDuplicateKey } from './connect';
import { withMongoOutages } from './outages';

type SessionDocument = Omit<SessionRecord, 'id'> & { _id: string };
type TokenDocument = Omit<RefreshTokenRecord, 'hash'> & { _id: string };

/**
 * Sessions in `sessions`, refresh tokens in `refresh_tokens` keyed by their hash, with a
 * unique index on `parent`: rotation is one insert of the successor, atomic on MongoDB
 * and FerretDB alike (FerretDB's updates are not isolated), so exactly one caller wins.
 * A token and its successor then come back in one query (`_id` or `parent`).
 */
export class MongoSessionStore implements SessionStore {
  private readonly sessions: Collection<SessionDocument>;
  private readonly tokens: Collection<TokenDocument>;

  constructor(db: Db) {
    this.sessions = db.collection<SessionDocument>('sessions');
    this.tokens = db.collection<TokenDocument>('refresh_tokens');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the session store');
  }

  async ensureIndexes(): Promise<void> {
    await this.tokens.createIndex({ clientId: 1 }, { name: 'client' });
    await this.tokens.createIndex({ parent: 1 }, { name: 'parent', unique: true });
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
    return document ? tokenRecord(document) : null;
  }

  async isRetired(hash: string): Promise<boolean> {
    return (await this.tokens.findOne({ parent: hash }, { projection: { _id: 1 } })) !== null;
  }

  async findForRotation(hash: string): Promise<TokenForRotation | null> {
    const documents = await this.tokens.find({ $or: [{ _id: hash }, { parent: hash }] }).toArray();
    const token = documents.find((document) => document._id === hash);
    if (!token) return null;
    const successor = documents.find((document) => document.parent === hash);
    return { token: tokenRecord(token), successor: successor ? tokenRecord(successor) : null };
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

  async listRevoked(query: { revokedAfter: Date; afterId?: string; limit: number }): Promise<SessionRecord[]> {
    const filter: Filter<SessionDocument> = { revokedAt: { $gt: query.revokedAfter } };
    if (query.afterId !== undefined) filter._id = { $gt: query.afterId };
    const documents = await this.sessions.find(filter).sort({ _id: 1 }).limit(query.limit).toArray();
    return documents.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }
}

function tokenRecord({ _id, sealedAnswer, ...rest }: TokenDocument): RefreshTokenRecord {
  return { hash: _id, ...rest, ...(typeof sealedAnswer === 'string' ? { sealedAnswer } : {}) };
}

function tokenDocument(token: RefreshTokenRecord): TokenDocument {
  const { hash, sealedAnswer, ...rest } = token;
  return { _id: hash, ...rest, ...(sealedAnswer === undefined ? {} : { sealedAnswer }) };
}
