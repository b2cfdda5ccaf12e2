import type { Collection, Db, Filter } from 'mongodb';
import type { RefreshTokenRecord, SessionRecord, SessionStore, TokenForRotation } from '../../domain/ports';
import { isDuplicateKey } from './connect';
import { withMongoOutages } from './outages';

type SessionDocument = Omit<SessionRecord, 'id'> & { _id: string };
type TokenDocument = Omit<RefreshTokenRecord, 'hash'> & { _id: string };
/**
 * The claim that a token has been rotated, keyed by the retired token's hash, with its
 * successor (claims written before successors were recorded here carry only the first
 * three fields).
 */
interface RotationDocument {
  _id: string;
  sessionId: string;
  clientId: string;
  expiresAt: Date;
  child?: string;
  createdAt?: Date;
  sealedAnswer?: string;
}

/**
 * Sessions in `sessions`, refresh tokens in `refresh_tokens` keyed by their hash.
 * Rotation claims the old token in `refresh_token_rotations`, keyed by its hash: an
 * insert on `_id`, which is atomic on MongoDB and FerretDB alike (FerretDB's updates are
 * not isolated), so exactly one caller wins. The claim records the successor too, so a
 * token and its successor are two primary-key lookups, made at once. Every query here is
 * a plain `_id` lookup on the hot path: FerretDB's SQLite backend pushes down nothing else
 * and scans the whole collection for any other filter.
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
    return document ? tokenRecord(document) : null;
  }

  async isRetired(hash: string): Promise<boolean> {
    return (await this.rotations.findOne({ _id: hash }, { projection: { _id: 1 } })) !== null;
  }

  async findForRotation(hash: string): Promise<TokenForRotation | null> {
    const [token, claim] = await Promise.all([this.tokens.findOne({ _id: hash }), this.rotations.findOne({ _id: hash })]);
    if (!token) return null;
    return { token: tokenRecord(token), successor: claim ? successorOf(claim) : null };
  }

  /**
   * The claim and the successor are inserted at once. When the claim loses, the successor
   * just stored is an orphan whose value nobody was given; it is removed, and would be
   * harmless until its expiry if that failed.
   */
  async rotate(parentHash: string, next: RefreshTokenRecord): Promise<boolean> {
    const claim: RotationDocument = {
      _id: parentHash,
      sessionId: next.sessionId,
      clientId: next.clientId,
      expiresAt: next.expiresAt,
      child: next.hash,
      createdAt: next.createdAt,
      ...(next.sealedAnswer === undefined ? {} : { sealedAnswer: next.sealedAnswer }),
    };
    const [claimed, stored] = await Promise.allSettled([
      this.rotations.insertOne(claim),
      this.tokens.insertOne(tokenDocument({ ...next, parent: parentHash })),
    ]);
    if (claimed.status === 'fulfilled' && stored.status === 'fulfilled') return true;
    // Should the successor's insert fail alone, the old token stays retired with no successor:
    // the session must log in again, which is the safe side.
    if (claimed.status === 'fulfilled') throw (stored as PromiseRejectedResult).reason;
    if (stored.status === 'fulfilled') await this.tokens.deleteOne({ _id: next.hash }).catch(() => {});
    if (isDuplicateKey(claimed.reason)) return false;
    throw claimed.reason;
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

function successorOf(claim: RotationDocument): RefreshTokenRecord {
  return {
    hash: claim.child ?? '',
    sessionId: claim.sessionId,
    clientId: claim.clientId,
    parent: claim._id,
    createdAt: claim.createdAt ?? new Date(0),
    expiresAt: claim.expiresAt,
    ...(claim.sealedAnswer === undefined ? {} : { sealedAnswer: claim.sealedAnswer }),
  };
}

function tokenRecord({ _id, sealedAnswer, ...rest }: TokenDocument): RefreshTokenRecord {
  return { hash: _id, ...rest, ...(typeof sealedAnswer === 'string' ? { sealedAnswer } : {}) };
}

function tokenDocument(token: RefreshTokenRecord): TokenDocument {
  const { hash, sealedAnswer, ...rest } = token;
  return { _id: hash, ...rest, ...(sealedAnswer === undefined ? {} : { sealedAnswer }) };
}
