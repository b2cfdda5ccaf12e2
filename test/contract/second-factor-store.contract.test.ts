/** The SecondFactorStore port's guarantees, asserted against every adapter. */
import { expect } from 'chai';
import { SqliteSecondFactorStore } from '../../src/adapters/embedded/sqlite-second-factor-store.js';
import { MongoSecondFactorStore } from '../../src/adapters/mongo/second-factor-store.js';
import { DuplicateKeyError } from '../../src/domain/kernel/errors.js';
import { newId } from '../../src/domain/kernel/ids.js';
import type { PasskeyRecord, SecondFactorStore, TotpFactor } from '../../src/domain/second-factor/ports.js';
import { ferretDatabases, openSqlite } from './backends.js';

type OpenStore = () => Promise<{ store: SecondFactorStore; close(): Promise<void> }>;

const AT = new Date(Date.UTC(2026, 4, 5, 6, 7, 8, 900));

function totp(clientId: string, confirmed: boolean): TotpFactor {
  return {
    clientId,
    sealedSecret: 's1.sealed',
    recoveryCodeHashes: confirmed ? ['a'.repeat(64), 'b'.repeat(64)] : [],
    createdAt: AT,
    confirmedAt: confirmed ? AT : null,
  };
}

function passkey(clientId: string, id = `cred-${newId()}`): PasskeyRecord {
  return { id, clientId, publicKey: 'pQECAyYgASFYIA', counter: 0, transports: ['internal'], name: 'laptop', backedUp: false, createdAt: AT, lastUsedAt: null };
}

function secondFactorStoreContract(open: OpenStore): void {
  let store: SecondFactorStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await open());
  });
  afterEach(async () => close?.());

  it('keeps one TOTP factor per client: saving again replaces it', async () => {
    const clientId = newId();
    await store.saveTotp(totp(clientId, false));
    await store.saveTotp(totp(clientId, true));
    expect(await store.findTotp(clientId)).to.deep.equal(totp(clientId, true));
    expect(await store.deleteTotp(clientId)).to.equal(true);
    expect(await store.deleteTotp(clientId)).to.equal(false);
    expect(await store.findTotp(clientId)).to.equal(null);
  });

  it('replaces the recovery codes of a confirmed TOTP factor only, and never brings back a factor that is gone', async () => {
    const confirmed = newId();
    await store.saveTotp(totp(confirmed, true));
    const fresh = ['c'.repeat(64), 'd'.repeat(64), 'e'.repeat(64)];
    expect(await store.replaceRecoveryCodes(confirmed, fresh)).to.equal(true);
    expect(await store.findTotp(confirmed)).to.deep.equal({ ...totp(confirmed, true), recoveryCodeHashes: fresh });

    const pending = newId();
    await store.saveTotp(totp(pending, false));
    expect(await store.replaceRecoveryCodes(pending, fresh)).to.equal(false);
    expect(await store.findTotp(pending)).to.deep.equal(totp(pending, false));

    const disabled = newId();
    await store.saveTotp(totp(disabled, true));
    await store.deleteTotp(disabled);
    expect(await store.replaceRecoveryCodes(disabled, fresh)).to.equal(false);
    expect(await store.findTotp(disabled)).to.equal(null);
  });

  it("renames only the owner's passkey, and keeps the rest of it", async () => {
    const clientId = newId();
    const own = passkey(clientId);
    await store.addPasskey(own);
    expect(await store.renamePasskey(clientId, own.id, 'work laptop')).to.equal(true);
    expect(await store.findPasskey(own.id)).to.deep.equal({ ...own, name: 'work laptop' });
    expect(await store.renamePasskey(newId(), own.id, 'stolen')).to.equal(false);
    expect(await store.renamePasskey(clientId, 'cred-unknown', 'nothing')).to.equal(false);
    expect((await store.findPasskey(own.id))!.name).to.equal('work laptop');
  });

  it('refuses a second passkey with the same credential id, whichever client it is for', async () => {
    const first = passkey(newId());
    await store.addPasskey(first);
    const error = await store.addPasskey(passkey(newId(), first.id)).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(DuplicateKeyError);
    expect(await store.findPasskey(first.id)).to.deep.equal(first);
  });

  it("lists a client's passkeys oldest first, records their use, and deletes only the owner's", async () => {
    const clientId = newId();
    const older = { ...passkey(clientId), createdAt: new Date(AT.getTime() - 1000) };
    const newer = passkey(clientId);
    await store.addPasskey(newer);
    await store.addPasskey(older);
    await store.addPasskey(passkey(newId()));
    expect((await store.listPasskeys(clientId)).map((p) => p.id)).to.deep.equal([older.id, newer.id]);
    const usedAt = new Date(AT.getTime() + 5000);
    await store.recordPasskeyUse(newer.id, 7, usedAt);
    expect(await store.findPasskey(newer.id)).to.deep.include({ counter: 7, lastUsedAt: usedAt });
    expect(await store.deletePasskey(newId(), newer.id)).to.equal(false);
    expect(await store.deletePasskey(clientId, newer.id)).to.equal(true);
    expect((await store.listPasskeys(clientId)).map((p) => p.id)).to.deep.equal([older.id]);
  });

  it('lets exactly one of 20 concurrent claims of a key win, and every later one lose', async () => {
    const clientId = newId();
    const until = new Date(Date.now() + 60_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.claim(clientId, `ticket:${clientId}`, until)));
    expect(results.filter(Boolean)).to.have.length(1);
    expect(await store.claim(clientId, `ticket:${clientId}`, until)).to.equal(false);
    expect(await store.claim(clientId, `ticket:other:${clientId}`, until)).to.equal(true);
  });

  it('sweeps only the claims whose time has passed', async () => {
    const clientId = newId();
    await store.claim(clientId, `old:${clientId}`, new Date(AT.getTime() - 1));
    await store.claim(clientId, `new:${clientId}`, new Date(AT.getTime() + 60_000));
    expect(await store.sweepClaims(AT)).to.be.at.least(1);
    expect(await store.claim(clientId, `old:${clientId}`, AT)).to.equal(true);
    expect(await store.claim(clientId, `new:${clientId}`, AT)).to.equal(false);
  });

  it('tells which clients have a confirmed TOTP factor or a passkey', async () => {
    const [confirmed, pending, withPasskey, none] = [newId(), newId(), newId(), newId()];
    await store.saveTotp(totp(confirmed, true));
    await store.saveTotp(totp(pending, false));
    await store.addPasskey(passkey(withPasskey));
    expect([...(await store.haveFactor([confirmed, pending, withPasskey, none]))].sort()).to.deep.equal([confirmed, withPasskey].sort());
    expect(await store.haveFactor([])).to.deep.equal(new Set());
  });

  it('removes every factor and claim of a client, and nothing of another', async () => {
    const [gone, kept] = [newId(), newId()];
    for (const clientId of [gone, kept]) {
      await store.saveTotp(totp(clientId, true));
      await store.addPasskey(passkey(clientId));
      await store.claim(clientId, `recovery:${clientId}`, new Date(8.64e15));
    }
    await store.deleteAllOfClient(gone);
    expect(await store.findTotp(gone)).to.equal(null);
    expect(await store.listPasskeys(gone)).to.deep.equal([]);
    expect(await store.claim(gone, `recovery:${gone}`, new Date(8.64e15))).to.equal(true);
    expect(await store.findTotp(kept)).to.not.equal(null);
    expect(await store.listPasskeys(kept)).to.have.length(1);
    expect(await store.claim(kept, `recovery:${kept}`, new Date(8.64e15))).to.equal(false);
  });
}

describe('SecondFactorStore contract', () => {
  describe('on SQLite (embedded)', () => {
    secondFactorStoreContract(async () => {
      const sqlite = await openSqlite();
      return { store: new SqliteSecondFactorStore(sqlite.db), close: sqlite.close };
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    secondFactorStoreContract(async () => {
      const { db, close } = await openDatabase();
      const store = new MongoSecondFactorStore(db);
      await store.ensureIndexes();
      return { store, close };
    });
  });
});
