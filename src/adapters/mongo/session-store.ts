import { MongoBulkWriteError, type Collection, type Db, type Filter } from 'mongodb';
import type { RefreshTokenRecord, SessionRecord, SessionStore, TokenForRotation } from '../../domain/ports.js';
import { isDuplicateKey } from './connect.js';
import { withMongoOutages } from './outages.js';

type SessionDocument = Omit<SessionRecord, 'id'> & { _id: string };
type TokenDocument = Omit<RefreshTokenRecord, 'hash'> & { _id: string };
/**
 * The claim that a token has been rotated, with its successor. It lives beside the tokens,
 * keyed `rotated:<retired token's hash>`, so that it and the successor's own document go
 * in one insert command: one commit on FerretDB's SQLite backend.
 */
interface ClaimDocument {
  _id: string;
  child: string;
  sessionId: string;
  clientId: string;
  createdAt: Date;
  expiresAt: Date;
  sealedAnswer?: string;
}

/** A claim written before claims lived beside the tokens, keyed by the retired token's hash. */
interface LegacyClaimDocument {
  _id: string;
  sessionId: string;
  clientId: string;
  expiresAt: Date;
}

const CLAIM_PREFIX = 'rotated:';

/**
 * Sessions in `sessions`; refresh tokens in `refresh_tokens` keyed by their hash, with the
 * claims of their rotations. Rotation inserts, in one ordered command, the claim on the
 * old token and then the new token: the claim's `_id` is unique, and an insert is atomic on
 * MongoDB and FerretDB alike (FerretDB's updates are not isolated), so exactly one caller
 * wins, and a losing claim stops the command before the new token. A token, its claim and
 * the claim of the earlier scheme (`refresh_token_rotations`) are three primary-key
 * lookups made at once. Every query on this path is a plain `_id` lookup: FerretDB's
 * SQLite backend pushes down nothing else and scans the whole collection for any other
 * filter. Retired tokens and their claims stay until their session expires, so a token of
 * any age that comes back is recognised as reuse; FerretDB has no TTL indexes, so expired
 * sessions go by `sweepExpired`.
 */
export class MongoSessionStore implements SessionStore {
  private readonly sessions: Collection<SessionDocument>;
  private readonly tokens: Collection<TokenDocument>;
  private readonly claims: Collection<ClaimDocument>;
  private readonly rotations: Collection<LegacyClaimDocument>;

  constructor(db: Db) {
    this.sessions = db.collection<SessionDocument>('sessions');
    this.tokens = db.collection<TokenDocument>('refresh_tokens');
    this.claims = db.collection<ClaimDocument>('refresh_tokens');
    this.rotations = db.collection<LegacyClaimDocument>('refresh_token_rotations');
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
    const [claim, legacy] = await Promise.all([
      this.claims.findOne({ _id: CLAIM_PREFIX + hash }, { projection: { _id: 1 } }),
      this.rotations.findOne({ _id: hash }, { projection: { _id: 1 } }),
    ]);
    return claim !== null || legacy !== null;
  }

  async findForRotation(hash: string): Promise<TokenForRotation | null> {
    const [token, claim, legacy] = await Promise.all([
      this.tokens.findOne({ _id: hash }),
      this.claims.findOne({ _id: CLAIM_PREFIX + hash }),
      this.rotations.findOne({ _id: hash }),
    ]);
    if (!token) return null;
    const successor = claim ? successorOf(hash, claim) : legacy ? legacySuccessorOf(legacy) : null;
    return { token: tokenRecord(token), successor };
  }

  /**
   * A claim of the earlier scheme is checked by `findForRotation`, which a rotation follows;
   * only an instance of an earlier version rotating the same token at the same moment, during
   * an upgrade, could still race this one.
   */
  async rotate(parentHash: string, next: RefreshTokenRecord): Promise<boolean> {
    const claim: ClaimDocument = {
      _id: CLAIM_PREFIX + parentHash,
      child: next.hash,
      sessionId: next.sessionId,
      clientId: next.clientId,
      createdAt: next.createdAt,
      expiresAt: next.expiresAt,
      ...(next.sealedAnswer === undefined ? {} : { sealedAnswer: next.sealedAnswer }),
    };
    try {
      // Should the new token's insert fail after the claim's, the old token stays retired with
      // no successor: the session must log in again, which is the safe side.
      await (this.tokens as Collection<TokenDocument | ClaimDocument>).insertMany([claim, tokenDocument({ ...next, parent: parentHash })], {
        ordered: true,
      });
      return true;
    } catch (error) {
      if (error instanceof MongoBulkWriteError && isDuplicateKey(error) && firstFailedIndex(error) === 0) return false;
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

function successorOf(parentHash: string, claim: ClaimDocument): RefreshTokenRecord {
  return {
    hash: claim.child,
    sessionId: claim.sessionId,
    clientId: claim.clientId,
    parent: parentHash,
    createdAt: claim.createdAt,
    expiresAt: claim.expiresAt,
    ...(claim.sealedAnswer === undefined ? {} : { sealedAnswer: claim.sealedAnswer }),
  };
}

/** A successor of the earlier scheme is known only to exist: it has no answer to give again. */
function legacySuccessorOf(claim: LegacyClaimDocument): RefreshTokenRecord {
  return { hash: '', sessionId: claim.sessionId, clientId: claim.clientId, parent: claim._id, createdAt: new Date(0), expiresAt: claim.expiresAt };
}

function firstFailedIndex(error: MongoBulkWriteError): number | undefined {
  const errors = error.writeErrors;
  return (Array.isArray(errors) ? errors[0] : errors)?.index;
}

function tokenRecord({ _id, sealedAnswer, ...rest }: TokenDocument): RefreshTokenRecord {
  return { hash: _id, ...rest, ...(typeof sealedAnswer === 'string' ? { sealedAnswer } : {}) };
}

function tokenDocument(token: RefreshTokenRecord): TokenDocument {
  const { hash, sealedAnswer, ...rest } = token;
  return { _id: hash, ...rest, ...(sealedAnswer === undefined ? {} : { sealedAnswer }) };
}
