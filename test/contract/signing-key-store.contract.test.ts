/** The SigningKeyStore port's guarantees, and rotation on top of them, against every adapter. */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { SqliteSigningKeyStore } from '../../src/adapters/embedded/sqlite-signing-key-store.js';
import { MongoSigningKeyStore } from '../../src/adapters/mongo/signing-key-store.js';
import { DuplicateKeyError } from '../../src/domain/kernel/errors.js';
import type { SigningKeyRecord, SigningKeyStore } from '../../src/domain/signing-keys/ports.js';
import { type SigningKeyGenerator, SigningKeyRotation } from '../../src/domain/signing-keys/rotation.js';
import { ferretDatabases, openSqlite } from './backends.js';

type OpenStore = () => Promise<{ store: SigningKeyStore; close(): Promise<void> }>;

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 3, 4, 5, 6, 7, 890);
const POLICY = { rotationMs: 30 * DAY, publishAheadMs: HOUR, retainMs: 15 * 60_000 + 30_000 };

function aKey(generation: number, activatesAt = new Date(START)): SigningKeyRecord {
  const kid = randomBytes(16).toString('base64url');
  return {
    kid,
    generation,
    algorithm: 'ES256',
    publicKey: { kty: 'EC', crv: 'P-256', x: randomBytes(32).toString('base64url'), y: randomBytes(32).toString('base64url'), kid, alg: 'ES256', use: 'sig' },
    sealedPrivateKey: `v1.${randomBytes(12).toString('base64url')}.sealed`,
    createdAt: new Date(START),
    activatesAt,
  };
}

/** The store, with its clock replaced by `now`: how these tests move the time every instance reads. */
function withClock(store: SigningKeyStore, now: () => number): SigningKeyStore {
  return { list: () => store.list(), insert: (key) => store.insert(key), delete: (kid) => store.delete(kid), now: async () => now() };
}

/** Keys without key material: the store and the schedule are what is under test here. */
const generator: SigningKeyGenerator = {
  generate: ({ generation, activatesAt, createdAt }) => ({ ...aKey(generation, activatesAt), createdAt }),
};

function signingKeyStoreContract(open: OpenStore): void {
  let store: SigningKeyStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await open());
  });
  afterEach(async () => close?.());

  it('keeps keys as inserted, dates as dates, listed in generation order', async () => {
    const second = aKey(2, new Date(START + DAY));
    const first = aKey(1);
    await store.insert(second);
    await store.insert(first);
    expect(await store.list()).to.deep.equal([first, second]);
    expect((await store.list())[0]!.activatesAt).to.be.instanceOf(Date);
  });

  it('lets exactly one of 20 concurrent inserts of one generation succeed; the others get DuplicateKeyError', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => store.insert(aKey(1))));
    expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).to.be.instanceOf(DuplicateKeyError);
    }
    expect(await store.list()).to.have.length(1);
  });

  it('deletes a key by kid, and deleting it again is no error', async () => {
    const key = aKey(1);
    await store.insert(key);
    await store.delete(key.kid);
    await store.delete(key.kid);
    expect(await store.list()).to.deep.equal([]);
  });

  it("tells the store's own time, the same for every reader whatever its clock says", async () => {
    const before = Date.now();
    const told = await store.now();
    const after = Date.now();
    // Both run on this machine's clock; a generous margin, as this is no timing test.
    expect(told)
      .to.be.a('number')
      .within(before - 5000, after + 5000);
  });

  describe('under rotation', () => {
    let now = START;
    const rotation = () =>
      new SigningKeyRotation(
        withClock(store, () => now),
        generator,
        POLICY,
        'ES256',
      );
    beforeEach(() => {
      now = START;
    });

    it('stores a first key that signs at once, then its successor one publish-ahead before the rotation is due', async () => {
      const [first] = await rotation().maintain();
      expect(first!.activatesAt.getTime()).to.equal(START);
      now = START + POLICY.rotationMs - POLICY.publishAheadMs - 1;
      expect(await rotation().maintain()).to.have.length(1);
      now += 1;
      const keys = await rotation().maintain();
      expect(keys.map((key) => key.generation)).to.deep.equal([1, 2]);
      expect(keys[1]!.activatesAt.getTime()).to.equal(START + POLICY.rotationMs);
    });

    it('agrees on one successor when 20 instances find the rotation due at the same moment', async () => {
      await rotation().maintain();
      now = START + POLICY.rotationMs;
      const seen = await Promise.all(Array.from({ length: 20 }, () => rotation().maintain()));
      const stored = await store.list();
      expect(stored.map((key) => key.generation)).to.deep.equal([1, 2]);
      for (const keys of seen) expect(keys.map((key) => key.kid)).to.deep.equal(stored.map((key) => key.kid));
    });

    it('agrees on one successor when 20 admins ask for a rotation at once, and returns it to each', async () => {
      await rotation().maintain();
      const rotated = await Promise.all(Array.from({ length: 20 }, () => rotation().rotate()));
      expect(new Set(rotated.map((key) => key.kid)).size).to.equal(1);
      expect(rotated[0]!.activatesAt.getTime()).to.equal(START + POLICY.publishAheadMs);
      expect((await store.list()).map((key) => key.generation)).to.deep.equal([1, 2]);
    });

    it('publishes a rotated key exactly one publish-ahead before it signs, however the clock moves during the rotation', async () => {
      await rotation().maintain();
      // A clock that ticks on every reading, as a real one can between two readings.
      const ticking = new SigningKeyRotation(
        withClock(store, () => (now += 1)),
        generator,
        POLICY,
        'ES256',
      );
      const rotated = await ticking.rotate();
      expect(rotated.activatesAt.getTime() - rotated.createdAt.getTime()).to.equal(POLICY.publishAheadMs);
    });

    it('keeps a retired key published until its last token has expired, then removes it', async () => {
      const [first] = await rotation().maintain();
      const successor = await rotation().rotate();
      now = successor.activatesAt.getTime() + POLICY.retainMs - 1;
      expect((await rotation().maintain()).map((key) => key.kid)).to.deep.equal([first!.kid, successor.kid]);
      now += 1;
      expect((await rotation().maintain()).map((key) => key.kid)).to.deep.equal([successor.kid]);
      expect((await store.list()).map((key) => key.kid)).to.deep.equal([successor.kid]);
    });
  });
}

describe('SigningKeyStore contract', () => {
  describe('on SQLite (embedded)', () => {
    signingKeyStoreContract(async () => {
      const sqlite = await openSqlite();
      return { store: new SqliteSigningKeyStore(sqlite.db), close: sqlite.close };
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    signingKeyStoreContract(async () => {
      const { db, close } = await openDatabase();
      const store = new MongoSigningKeyStore(db);
      await store.ensureIndexes();
      return { store, close };
    });
  });
});
