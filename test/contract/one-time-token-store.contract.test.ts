/** The OneTimeTokenStore port's guarantees, asserted against every adapter. */
import { expect } from 'chai';
import { SqliteOneTimeTokenStore } from '../../src/adapters/embedded/sqlite-one-time-token-store.js';
import { MongoOneTimeTokenStore } from '../../src/adapters/mongo/one-time-token-store.js';
import { hashSecret, newSecret } from '../../src/domain/kernel/secrets.js';
import type { OneTimeTokenRecord, OneTimeTokenStore } from '../../src/domain/recovery/ports.js';
import { ferretDatabases, openSqlite } from './backends.js';

type OpenStore = () => Promise<{ store: OneTimeTokenStore; close(): Promise<void> }>;

const NOW = new Date(Date.UTC(2026, 3, 4, 5, 6, 7, 890));
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

function aToken(fields: Partial<OneTimeTokenRecord> = {}): OneTimeTokenRecord {
  return { hash: hashSecret(newSecret()), clientId: 'client-a', purpose: 'password_reset', createdAt: NOW, expiresAt: minutes(30), ...fields };
}

function oneTimeTokenContract(open: OpenStore): void {
  let store: OneTimeTokenStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await open());
  });
  afterEach(async () => close());

  it('hands a token out once, with every field, and never again', async () => {
    const token = aToken();
    await store.add(token);
    expect(await store.consume(token.hash, 'password_reset', NOW)).to.deep.equal(token);
    expect(await store.consume(token.hash, 'password_reset', NOW)).to.equal(null);
  });

  it('finds a live token of its purpose without spending it, and no expired or spent one', async () => {
    const token = aToken();
    await store.add(token);
    expect(await store.find(token.hash, 'password_reset', NOW)).to.deep.equal(token);
    expect(await store.find(token.hash, 'email_verification', NOW)).to.equal(null);
    expect(await store.find(token.hash, 'password_reset', minutes(30))).to.equal(null);
    expect(await store.consume(token.hash, 'password_reset', NOW)).to.deep.equal(token);
    expect(await store.find(token.hash, 'password_reset', NOW)).to.equal(null);
  });

  it('knows a token only for its own purpose, and a wrong-purpose try does not spend it', async () => {
    const token = aToken({ purpose: 'email_verification' });
    await store.add(token);
    expect(await store.consume(token.hash, 'password_reset', NOW)).to.equal(null);
    expect(await store.consume(token.hash, 'email_verification', NOW)).to.deep.equal(token);
  });

  it('never hands out an expired token, and removes it', async () => {
    const token = aToken({ expiresAt: minutes(1) });
    await store.add(token);
    expect(await store.consume(token.hash, 'password_reset', minutes(1))).to.equal(null);
    expect(await store.consume(token.hash, 'password_reset', NOW)).to.equal(null);
  });

  it('gives a token to exactly one of 20 concurrent consumers', async () => {
    const token = aToken();
    await store.add(token);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consume(token.hash, 'password_reset', NOW)));
    expect(results.filter((result) => result !== null)).to.have.length(1);
  });

  it("removes a client's tokens of one purpose, or all of them, and no other client's", async () => {
    const reset = aToken();
    const verification = aToken({ purpose: 'email_verification' });
    const others = aToken({ clientId: 'client-b' });
    for (const token of [reset, verification, others]) await store.add(token);
    await store.deleteAllOfClient('client-a', 'password_reset');
    expect(await store.consume(reset.hash, 'password_reset', NOW)).to.equal(null);
    await store.deleteAllOfClient('client-a');
    await store.deleteAllOfClient('client-a');
    expect(await store.consume(verification.hash, 'email_verification', NOW)).to.equal(null);
    expect(await store.consume(others.hash, 'password_reset', NOW)).to.deep.equal(others);
  });

  it('sweeps expired tokens only', async () => {
    const expired = aToken({ expiresAt: minutes(-1) });
    const live = aToken();
    await store.add(expired);
    await store.add(live);
    expect(await store.sweepExpired(NOW)).to.equal(1);
    expect(await store.consume(live.hash, 'password_reset', NOW)).to.deep.equal(live);
  });
}

describe('OneTimeTokenStore contract', () => {
  describe('on SQLite (embedded)', () => {
    oneTimeTokenContract(async () => {
      const sqlite = await openSqlite();
      return { store: new SqliteOneTimeTokenStore(sqlite.db), close: sqlite.close };
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    oneTimeTokenContract(async () => {
      const { db, close } = await openDatabase();
      const store = new MongoOneTimeTokenStore(db);
      await store.ensureIndexes();
      return { store, close };
    });
  });
});
