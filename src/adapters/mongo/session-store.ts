import { type Collection, type Db, type Filter, MongoBulkWriteError } from 'mongodb';
import type { RefreshTokenRecord, SessionActivity, SessionRecord, SessionStore, TokenForRotation } from '../../domain/sessions/ports.js';
import { ensureIndexes } from './ensure-indexes.js';
import { isDuplicateKey } from './mongo-connect.js';
import { withMongoOutages } from './mongo-outages.js';

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

/**
 * A claim written before claims lived beside the tokens, keyed by the retired token's hash;
 * converted at start-up (see `ensureIndexes`). A converted claim has no successor (`child`
 * is empty) and no answer to give again.
 */
interface LegacyClaimDocument {
  _id: string;
  sessionId: string;
  clientId: string;
  expiresAt: Date;
}

const CLAIM_PREFIX = 'rotated:';

/** What `listLive` reads of a token; the device is absent on tokens of earlier releases. */
interface NewestToken {
  sessionId: string;
  createdAt: Date;
  userAgent?: string;
  clientIp?: string;
}

/**
 * Sessions in `sessions`; refresh tokens in `refresh_tokens` keyed by their hash, with the
 * claims of their rotations. Rotation inserts, in one ordered command, the claim on the
 * old token and then the new token: the claim's `_id` is unique, and an insert is atomic on
 * MongoDB and FerretDB alike (FerretDB's updates are not isolated), so exactly one caller
 * wins, and a losing claim stops the command before the new token. A token and its claim
 * are two primary-key lookups made at once. Every query on this path is a plain `_id` lookup: FerretDB's
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

  /**
   * Start-up work: the indexes, and the claims of the earlier scheme moved beside the tokens.
   * Builds of 2026-11-28 and 29 claimed rotations in `refresh_token_rotations`; each claim
   * there becomes a claim here with no successor to give again (a replay of its token is
   * reuse, as it was), so that a rotation reads two documents rather than three. Stop
   * instances of those builds before starting this one: a claim they wrote afterwards would
   * not be seen.
   */
  async ensureIndexes(): Promise<void> {
    await Promise.all([
      ensureIndexes(this.tokens, [{ key: { clientId: 1 }, name: 'client' }]),
      ensureIndexes(this.sessions, [
        { key: { clientId: 1 }, name: 'client' },
        // The admin Overview's count of live sessions (overview-counts.ts).
        { key: { revokedAt: 1, expiresAt: 1 }, name: 'live' },
      ]),
    ]);
    await this.convertEarlierClaims();
  }

  private async convertEarlierClaims(): Promise<void> {
    for (;;) {
      const batch = await this.rotations.find({}).limit(500).toArray();
      if (batch.length === 0) return;
      const claims: ClaimDocument[] = batch.map((earlier) => ({
        _id: CLAIM_PREFIX + earlier._id,
        child: '',
        sessionId: earlier.sessionId,
        clientId: earlier.clientId,
        createdAt: new Date(0),
        expiresAt: earlier.expiresAt,
      }));
      try {
        await this.claims.insertMany(claims, { ordered: false });
      } catch (error) {
        // A claim already converted (a start-up stopped half way) is left as it is.
        if (!(error instanceof MongoBulkWriteError && allDuplicateKeys(error))) throw error;
      }
      await this.rotations.deleteMany({ _id: { $in: batch.map((earlier) => earlier._id) } });
    }
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
    return (await this.claims.findOne({ _id: CLAIM_PREFIX + hash }, { projection: { _id: 1 } })) !== null;
  }

  async findForRotation(hash: string): Promise<TokenForRotation | null> {
    const [token, claim] = await Promise.all([this.tokens.findOne({ _id: hash }), this.claims.findOne({ _id: CLAIM_PREFIX + hash })]);
    if (!token) return null;
    return { token: tokenRecord(token), successor: claim ? successorOf(hash, claim) : null };
  }

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
    const live = await this.sessions.find({ clientId, revokedAt: null, expiresAt: { $gt: at } }, { projection: { _id: 1 } }).toArray();
    const ids = live.map((session) => session._id).filter((id) => id !== exceptSessionId);
    if (ids.length > 0) await this.sessions.updateMany({ _id: { $in: ids } }, { $set: { revokedAt: at } });
    return ids;
  }

  /**
   * The live sessions, then their tokens newest first (through the `client` index; claims
   * have no `parent`), read only until each session has met its newest one. FerretDB has no
   * `$first` accumulator to group them on the server, so the cursor stops early instead; the
   * projection keeps each token a few dozen bytes. An account page asks this, not the hot
   * path: on FerretDB's SQLite backend, which pushes down `_id` lookups only, it scans.
   */
  async listLive(clientId: string, now: Date): Promise<SessionActivity[]> {
    const live = await this.sessions.find({ clientId, revokedAt: null, expiresAt: { $gt: now } }).toArray();
    if (live.length === 0) return [];
    const newestOf = new Map<string, NewestToken>();
    const cursor = this.tokens
      .find({ clientId, sessionId: { $in: live.map((session) => session._id) }, parent: { $exists: true } })
      .project<NewestToken>({ _id: 0, sessionId: 1, createdAt: 1, userAgent: 1, clientIp: 1 })
      .sort({ createdAt: -1 });
    for await (const token of cursor) {
      if (!newestOf.has(token.sessionId)) newestOf.set(token.sessionId, token);
      // Leaving the loop closes the cursor.
      if (newestOf.size === live.length) break;
    }
    return live.map(({ _id, ...rest }) => {
      const session: SessionRecord = { id: _id, ...rest };
      const token = newestOf.get(_id);
      return {
        session,
        lastUsedAt: token?.createdAt ?? session.createdAt,
        userAgent: token?.userAgent ?? session.userAgent ?? '',
        clientIp: token?.clientIp ?? session.clientIp ?? '',
      };
    });
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

function allDuplicateKeys(error: MongoBulkWriteError): boolean {
  const errors = error.writeErrors;
  return (Array.isArray(errors) ? errors : [errors]).every((writeError) => writeError.code === 11000);
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
