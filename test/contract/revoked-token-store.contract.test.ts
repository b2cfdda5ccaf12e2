/** The RevokedTokenStore port's guarantees, asserted against every adapter. */
import { expect } from 'chai';
import { SqliteRevokedTokenStore } from '../../src/adapters/embedded/sqlite-revoked-token-store.js';
import { MongoRevokedTokenStore } from '../../src/adapters/mongo/revoked-token-store.js';
import type { RevokedToken, RevokedTokenStore } from '../../src/domain/revocation/ports.js';
import { ferretDatabases, openSqlite } from './backends.js';

type OpenStore = () => Promise<{ store: RevokedTokenStore; reopen(): RevokedTokenStore; close(): Promise<void> }>;

const NOW = new Date(Date.UTC(2026, 11, 7, 12, 0, 0, 123));
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

function revoked(tokenId: string, revokedAt: Date, expiresAt: Date, kind: RevokedToken['kind'] = 'token'): RevokedToken {
  return { kind, tokenId, revokedAt, expiresAt };
}

function revokedTokenStoreContract(open: OpenStore): void {
  let store: RevokedTokenStore;
  let reopen: () => RevokedTokenStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, reopen, close } = await open());
  });
  afterEach(async () => close());

  it('lists the tokens not yet expired, by id, also through a new connection (a restart)', async () => {
    const live = [revoked('jti-b', minutes(-2), minutes(10)), revoked('jti-a', minutes(-1), minutes(5))];
    for (const token of [...live, revoked('jti-c', minutes(-20), NOW)]) await store.record(token);
    const expected = [live[1], live[0]];
    expect(await store.listLive({ now: NOW, limit: 10 })).to.deep.equal(expected);
    expect(await reopen().listLive({ now: NOW, limit: 10 })).to.deep.equal(expected);
  });

  it("keeps what each record revokes, a token, a whole grant or a client's legacy tokens, also through a new connection (a restart)", async () => {
    const records = [
      revoked('grant-1', minutes(-1), minutes(15), 'grant'),
      revoked('jti-1', minutes(-1), minutes(5)),
      revoked('legacy-client.0123456789abcdef01234567', minutes(-1), minutes(60), 'legacy'),
    ];
    for (const record of records) await store.record(record);
    expect(await store.listLive({ now: NOW, limit: 10 })).to.deep.equal(records);
    expect(await reopen().listLive({ now: NOW, revokedSince: minutes(-1), limit: 10 })).to.deep.equal(records);
  });

  it('lists, with `revokedSince`, only the tokens revoked at or after it', async () => {
    for (const token of [revoked('jti-1', minutes(-3), minutes(10)), revoked('jti-2', minutes(-1), minutes(10)), revoked('jti-3', NOW, minutes(10))]) {
      await store.record(token);
    }
    const since = await store.listLive({ now: NOW, revokedSince: minutes(-1), limit: 10 });
    expect(since.map((token) => token.tokenId)).to.deep.equal(['jti-2', 'jti-3']);
  });

  it('pages by id with `afterId` and `limit`', async () => {
    for (const id of ['jti-5', 'jti-1', 'jti-4', 'jti-2', 'jti-3']) await store.record(revoked(id, NOW, minutes(10)));
    const first = await store.listLive({ now: NOW, limit: 2 });
    const rest = await store.listLive({ now: NOW, afterId: first.at(-1)!.tokenId, limit: 10 });
    expect([...first, ...rest].map((token) => token.tokenId)).to.deep.equal(['jti-1', 'jti-2', 'jti-3', 'jti-4', 'jti-5']);
  });

  it('keeps one record per token, with the last revokedAt, when a token is recorded again', async () => {
    await store.record(revoked('jti-again', minutes(-5), minutes(10)));
    await store.record(revoked('jti-again', minutes(-1), minutes(10)));
    expect(await store.listLive({ now: NOW, limit: 10 })).to.deep.equal([revoked('jti-again', minutes(-1), minutes(10))]);
  });

  it('sweeps expired tokens and grants only', async () => {
    await store.record(revoked('jti-expired', minutes(-20), minutes(-1)));
    await store.record(revoked('grant-expired', minutes(-20), minutes(-1), 'grant'));
    await store.record(revoked('jti-now', minutes(-20), NOW));
    await store.record(revoked('jti-live', minutes(-20), minutes(1)));
    expect(await store.sweepExpired(NOW)).to.equal(3);
    expect(await store.listLive({ now: minutes(-30), limit: 10 })).to.deep.equal([revoked('jti-live', minutes(-20), minutes(1))]);
  });
}

describe('RevokedTokenStore contract', () => {
  describe('on SQLite (embedded)', () => {
    revokedTokenStoreContract(async () => {
      const sqlite = await openSqlite();
      return { store: new SqliteRevokedTokenStore(sqlite.db), reopen: () => new SqliteRevokedTokenStore(sqlite.reopen()), close: sqlite.close };
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    revokedTokenStoreContract(async () => {
      const { db, close } = await openDatabase();
      const store = new MongoRevokedTokenStore(db);
      await store.ensureIndexes();
      return { store, reopen: () => new MongoRevokedTokenStore(db), close };
    });
  });
});
