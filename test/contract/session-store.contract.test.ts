/** The SessionStore port's guarantees, asserted against every adapter. */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { SqliteSessionStore } from '../../src/adapters/embedded/sqlite-session-store.js';
import { MongoSessionStore } from '../../src/adapters/mongo/session-store.js';
import { newId } from '../../src/domain/kernel/ids.js';
import type { RefreshTokenRecord, SessionRecord, SessionStore } from '../../src/domain/sessions/ports.js';
import { ferretDatabases, openSqlite } from './backends.js';

type OpenSessionStore = () => Promise<{ store: SessionStore; close(): Promise<void> }>;

const HOUR = 3600_000;
const NOW = new Date(Date.UTC(2026, 3, 4, 5, 6, 7, 890));
const later = (ms: number) => new Date(NOW.getTime() + ms);

function aHash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

/** A session of `clientId` with its first refresh token. */
function aSession(clientId: string, fields: Partial<SessionRecord> = {}): { session: SessionRecord; token: RefreshTokenRecord } {
  const session: SessionRecord = { id: newId(), clientId, createdAt: NOW, expiresAt: later(24 * HOUR), revokedAt: null, ...fields };
  const token: RefreshTokenRecord = {
    hash: aHash(),
    sessionId: session.id,
    clientId,
    parent: `root:${session.id}`,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
  };
  return { session, token };
}

/** The token that would replace `token` (its parent is set by `rotate`). */
function successorOf(token: RefreshTokenRecord): RefreshTokenRecord {
  return { ...token, hash: aHash(), parent: 'set-by-rotate', createdAt: later(1000) };
}

function sessionStoreContract(open: OpenSessionStore): void {
  let store: SessionStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await open());
  });
  afterEach(async () => close?.());

  const create = async (clientId: string, fields: Partial<SessionRecord> = {}) => {
    const created = aSession(clientId, fields);
    await store.create(created.session, created.token);
    return created;
  };

  it('keeps a session and its first token, with dates as dates', async () => {
    const { session, token } = await create(newId());
    expect(await store.findSession(session.id)).to.deep.equal(session);
    expect(await store.findToken(token.hash)).to.deep.equal(token);
    expect((await store.findSession(session.id))!.expiresAt).to.be.instanceOf(Date);
    expect(await store.findSession(newId())).to.equal(null);
    expect(await store.findToken(aHash())).to.equal(null);
  });

  it("rotates a token once: the successor is stored with the parent's hash and the parent is retired", async () => {
    const { token } = await create(newId());
    expect(await store.isRetired(token.hash)).to.equal(false);
    const next = successorOf(token);
    expect(await store.rotate(token.hash, next)).to.equal(true);
    expect(await store.findToken(next.hash)).to.deep.equal({ ...next, parent: token.hash });
    expect(await store.isRetired(token.hash)).to.equal(true);
    expect(await store.isRetired(next.hash)).to.equal(false);
  });

  it('refuses a second rotation of a retired token and stores nothing for it', async () => {
    const { token } = await create(newId());
    await store.rotate(token.hash, successorOf(token));
    const late = successorOf(token);
    expect(await store.rotate(token.hash, late)).to.equal(false);
    expect(await store.findToken(late.hash)).to.equal(null);
  });

  it("lets exactly one of 20 concurrent rotations of one token win; only the winner's token is stored", async () => {
    const { token } = await create(newId());
    const contenders = Array.from({ length: 20 }, () => successorOf(token));
    const results = await Promise.all(contenders.map((next) => store.rotate(token.hash, next)));
    expect(results.filter(Boolean)).to.have.length(1);
    const stored = await Promise.all(contenders.map((next) => store.findToken(next.hash)));
    expect(stored.filter((found) => found !== null)).to.have.length(1);
    expect(stored[results.indexOf(true)]).to.not.equal(null);
  });

  it('keeps every retired token of a live session, so a token several rotations old is still known as retired and can never be rotated again', async () => {
    const chain = [(await create(newId())).token];
    for (let rotation = 0; rotation < 6; rotation++) {
      const next = successorOf(chain.at(-1)!);
      expect(await store.rotate(chain.at(-1)!.hash, next)).to.equal(true);
      chain.push(next);
    }
    for (const retired of chain.slice(0, 6)) {
      expect(await store.findToken(retired.hash)).to.not.equal(null);
      expect(await store.isRetired(retired.hash)).to.equal(true);
      expect(await store.rotate(retired.hash, successorOf(retired))).to.equal(false);
    }
    expect(await store.isRetired(chain[6]!.hash)).to.equal(false);
  });

  it('finds a token with its successor in one call: none before the rotation, the stored one with its sealed answer after', async () => {
    const { token } = await create(newId());
    expect(await store.findForRotation(token.hash)).to.deep.equal({ token, successor: null });
    expect(await store.findForRotation(aHash())).to.equal(null);
    const next = { ...successorOf(token), sealedAnswer: 'sealed-answer' };
    await store.rotate(token.hash, next);
    expect(await store.findForRotation(token.hash)).to.deep.equal({ token, successor: { ...next, parent: token.hash } });
    expect(await store.findForRotation(next.hash)).to.deep.equal({ token: { ...next, parent: token.hash }, successor: null });
  });

  it('keeps where a session began and where each of its tokens was issued, and leaves both out of records that had none', async () => {
    const { session, token } = aSession(newId());
    const device = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', clientIp: '203.0.113.7' };
    await store.create({ ...session, ...device }, { ...token, ...device });
    expect(await store.findSession(session.id)).to.deep.equal({ ...session, ...device });
    expect(await store.findToken(token.hash)).to.deep.equal({ ...token, ...device });
    const next = { ...successorOf(token), userAgent: 'curl/8.5.0', clientIp: '2001:db8::1' };
    await store.rotate(token.hash, next);
    expect(await store.findToken(next.hash)).to.deep.equal({ ...next, parent: token.hash });

    const earlier = await create(newId());
    expect(await store.findSession(earlier.session.id)).to.not.have.any.keys('userAgent', 'clientIp');
    expect(await store.findToken(earlier.token.hash)).to.not.have.any.keys('userAgent', 'clientIp');
  });

  it("lists a client's live sessions, each with the time, user agent and client IP of its newest token", async () => {
    const clientId = newId();
    const signIn = { userAgent: 'Firefox on the laptop', clientIp: '203.0.113.7' };
    const refreshed = aSession(clientId);
    await store.create({ ...refreshed.session, ...signIn }, { ...refreshed.token, ...signIn });
    const first = { ...successorOf(refreshed.token), createdAt: later(HOUR), userAgent: 'Firefox, updated', clientIp: '203.0.113.8' };
    await store.rotate(refreshed.token.hash, first);
    const newest = { ...successorOf(first), createdAt: later(2 * HOUR), userAgent: 'Firefox, on the train', clientIp: '198.51.100.2' };
    await store.rotate(first.hash, newest);
    const idle = aSession(clientId, { createdAt: later(10) });
    const phone = { userAgent: 'Safari on the phone', clientIp: '2001:db8::5' };
    await store.create({ ...idle.session, ...phone }, { ...idle.token, ...phone });
    const earlier = await create(clientId);
    await create(clientId, { revokedAt: later(-HOUR) });
    await create(clientId, { expiresAt: later(-1) });
    await create(newId());

    const listed = await store.listLive(clientId, NOW);
    const byId = new Map(listed.map((activity) => [activity.session.id, activity]));
    expect([...byId.keys()].sort()).to.deep.equal([refreshed.session.id, idle.session.id, earlier.session.id].sort());
    expect(byId.get(refreshed.session.id)).to.deep.equal({
      session: { ...refreshed.session, ...signIn },
      lastUsedAt: later(2 * HOUR),
      userAgent: 'Firefox, on the train',
      clientIp: '198.51.100.2',
    });
    expect(byId.get(idle.session.id)).to.deep.include({ lastUsedAt: idle.token.createdAt, ...phone });
    expect(byId.get(earlier.session.id)).to.deep.include({ lastUsedAt: earlier.token.createdAt, userAgent: '', clientIp: '' });
    expect(await store.listLive(newId(), NOW)).to.deep.equal([]);
    expect(await store.listLive(clientId, later(25 * HOUR))).to.deep.equal([]);
  });

  it('says no token is retired when it has no successor, known or not', async () => {
    const { token } = await create(newId());
    expect(await store.isRetired(token.hash)).to.equal(false);
    expect(await store.isRetired(aHash())).to.equal(false);
  });

  it('revokes a session once: a second revocation keeps the first time', async () => {
    const { session } = await create(newId());
    await store.revoke(session.id, later(1000));
    await store.revoke(session.id, later(2000));
    expect((await store.findSession(session.id))!.revokedAt).to.deep.equal(later(1000));
  });

  it('revokes every live session of a client but the one excepted, and returns exactly those ids', async () => {
    const clientId = newId();
    const kept = await create(clientId);
    const live1 = await create(clientId);
    const live2 = await create(clientId);
    const alreadyRevoked = await create(clientId, { revokedAt: later(-HOUR) });
    const expired = await create(clientId, { expiresAt: later(-1) });
    const otherClient = await create(newId());
    const at = later(5000);

    const revoked = await store.revokeAllOfClient(clientId, at, kept.session.id);
    expect([...revoked].sort()).to.deep.equal([live1.session.id, live2.session.id].sort());
    expect((await store.findSession(live1.session.id))!.revokedAt).to.deep.equal(at);
    expect((await store.findSession(live2.session.id))!.revokedAt).to.deep.equal(at);
    expect((await store.findSession(kept.session.id))!.revokedAt).to.equal(null);
    expect((await store.findSession(alreadyRevoked.session.id))!.revokedAt).to.deep.equal(later(-HOUR));
    expect((await store.findSession(expired.session.id))!.revokedAt).to.equal(null);
    expect((await store.findSession(otherClient.session.id))!.revokedAt).to.equal(null);

    expect(await store.revokeAllOfClient(clientId, later(6000))).to.deep.equal([kept.session.id]);
  });

  it("deletes every session and refresh token of a client, and nobody else's", async () => {
    const clientId = newId();
    const first = await create(clientId);
    const second = await create(clientId);
    const rotated = successorOf(first.token);
    await store.rotate(first.token.hash, rotated);
    const other = await create(newId());

    await store.deleteAllOfClient(clientId);
    for (const { session, token } of [first, second]) {
      expect(await store.findSession(session.id)).to.equal(null);
      expect(await store.findToken(token.hash)).to.equal(null);
    }
    expect(await store.findToken(rotated.hash)).to.equal(null);
    expect(await store.findSession(other.session.id)).to.deep.equal(other.session);
    expect(await store.findToken(other.token.hash)).to.deep.equal(other.token);
  });

  it('lists the sessions revoked after a time, in id order, paged with afterId', async () => {
    const clientId = newId();
    const early = await create(clientId);
    const first = await create(clientId);
    const second = await create(newId());
    await create(clientId);
    await store.revoke(early.session.id, later(1000));
    await store.revoke(first.session.id, later(5000));
    await store.revoke(second.session.id, later(6000));
    const listed = await store.listRevoked({ revokedAfter: later(2000), limit: 10 });
    expect(listed.map((session) => session.id)).to.deep.equal([first.session.id, second.session.id].sort());
    expect(listed[0]!.revokedAt).to.be.instanceOf(Date);
    const [firstId, secondId] = listed.map((session) => session.id);
    expect((await store.listRevoked({ revokedAfter: later(2000), limit: 1 })).map((s) => s.id)).to.deep.equal([firstId]);
    expect((await store.listRevoked({ revokedAfter: later(2000), afterId: firstId!, limit: 10 })).map((s) => s.id)).to.deep.equal([secondId]);
  });

  it('sweeps sessions and tokens that expired before now, counts the sessions, and keeps the live ones', async () => {
    const clientId = newId();
    const expired1 = await create(clientId, { expiresAt: later(-2000) });
    const expired2 = await create(newId(), { expiresAt: later(-1) });
    const live = await create(clientId, { expiresAt: later(HOUR) });

    expect(await store.sweepExpired(NOW)).to.equal(2);
    for (const { session, token } of [expired1, expired2]) {
      expect(await store.findSession(session.id)).to.equal(null);
      expect(await store.findToken(token.hash)).to.equal(null);
    }
    expect(await store.findSession(live.session.id)).to.deep.equal(live.session);
    expect(await store.findToken(live.token.hash)).to.deep.equal(live.token);
    expect(await store.sweepExpired(NOW)).to.equal(0);
  });
}

describe('SessionStore contract', () => {
  describe('on SQLite (embedded)', () => {
    sessionStoreContract(async () => {
      const sqlite = await openSqlite();
      return { store: new SqliteSessionStore(sqlite.db), close: sqlite.close };
    });

    it('keeps rotation exactly-once across two connections to one file, as two processes would', async () => {
      const sqlite = await openSqlite();
      try {
        const first = new SqliteSessionStore(sqlite.db);
        const second = new SqliteSessionStore(sqlite.reopen());
        const { session, token } = aSession(newId());
        await first.create(session, token);
        expect(await first.rotate(token.hash, successorOf(token))).to.equal(true);
        expect(await second.rotate(token.hash, successorOf(token))).to.equal(false);
        expect(await second.isRetired(token.hash)).to.equal(true);
      } finally {
        await sqlite.close();
      }
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    sessionStoreContract(async () => {
      const { db, close } = await openDatabase();
      const store = new MongoSessionStore(db);
      await store.ensureIndexes();
      return { store, close };
    });

    it('moves the rotations an earlier build claimed in refresh_token_rotations beside the tokens at start-up, still rotations', async () => {
      const { db, close } = await openDatabase();
      try {
        const store = new MongoSessionStore(db);
        const { session, token } = aSession(newId());
        await store.create(session, token);
        const untouched = aSession(newId());
        await store.create(untouched.session, untouched.token);
        await db
          .collection('refresh_token_rotations')
          .insertOne({ _id: token.hash as never, sessionId: session.id, clientId: session.clientId, expiresAt: session.expiresAt });
        // Start-up; twice, as a restart would, which must change nothing more.
        await store.ensureIndexes();
        await store.ensureIndexes();
        expect(await db.collection('refresh_token_rotations').countDocuments()).to.equal(0);
        expect(await store.isRetired(untouched.token.hash)).to.equal(false);
        expect(await store.isRetired(token.hash)).to.equal(true);
        const found = await store.findForRotation(token.hash);
        expect(found?.successor).to.include({ sessionId: session.id, parent: token.hash });
        expect(found?.successor).not.to.have.property('sealedAnswer');
      } finally {
        await close();
      }
    });
  });
});
