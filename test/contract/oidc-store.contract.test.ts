/** The OidcStore port's guarantees, asserted against every adapter. */
import { expect } from 'chai';
import { MemoryCachedOidcStore } from '../../src/adapters/embedded/memory-cached-oidc-store.js';
import { SqliteOidcStore } from '../../src/adapters/embedded/sqlite-oidc-store.js';
import { MongoOidcStore } from '../../src/adapters/mongo/oidc-store.js';
import { OIDC_CLIENT_SETTINGS_MODEL, type OidcRecord, type OidcStore } from '../../src/domain/oidc/ports.js';
import { ferretDatabases, openSqlite } from './backends.js';

type OpenStore = () => Promise<{ store: OidcStore; reopen(): OidcStore; close(): Promise<void> }>;

const NOW = new Date(Date.UTC(2026, 3, 4, 5, 6, 7, 890));
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
let counter = 0;

function aRecord(fields: Partial<OidcRecord> = {}): OidcRecord {
  const id = `record-${++counter}`;
  return {
    model: 'RefreshToken',
    id,
    // Keys with dots and dollars, as resource URLs and claim names have.
    payload: { jti: id, resources: { 'https://api.example.com/v1': 'openid profile' }, $weird: [1, { 'a.b': true }] },
    grantId: 'grant-a',
    uid: null,
    userCode: null,
    accountId: 'account-a',
    expiresAt: minutes(30),
    consumedAt: null,
    ...fields,
  };
}

function oidcStoreContract(open: OpenStore): void {
  let store: OidcStore;
  let reopen: () => OidcStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, reopen, close } = await open());
  });
  afterEach(async () => close());

  it('finds a record by model and id with every field, also through a new connection (a restart), and not under another model', async () => {
    const record = aRecord();
    await store.upsert(record);
    expect(await store.find('RefreshToken', record.id, NOW)).to.deep.equal(record);
    expect(await reopen().find('RefreshToken', record.id, NOW)).to.deep.equal(record);
    expect(await store.find('AuthorizationCode', record.id, NOW)).to.equal(null);
  });

  it('replaces a record whole on upsert, and keeps one with no expiry until destroyed', async () => {
    const record = aRecord({ model: 'Client', expiresAt: null, grantId: null });
    await store.upsert(record);
    const changed = { ...record, payload: { redirect_uris: ['https://app.example.com/cb'] } };
    await store.upsert(changed);
    expect(await store.find('Client', record.id, minutes(60 * 24 * 365))).to.deep.equal(changed);
    await store.destroy('Client', record.id);
    await store.destroy('Client', record.id);
    expect(await store.find('Client', record.id, NOW)).to.equal(null);
  });

  it('finds by uid and by user code within the model only', async () => {
    const interaction = aRecord({ model: 'Interaction', uid: 'uid-1', grantId: null });
    const device = aRecord({ model: 'DeviceCode', userCode: 'ABCD-EFGH' });
    await store.upsert(interaction);
    await store.upsert(device);
    expect(await store.findByUid('Interaction', 'uid-1', NOW)).to.deep.equal(interaction);
    expect(await store.findByUid('Session', 'uid-1', NOW)).to.equal(null);
    expect(await store.findByUserCode('DeviceCode', 'ABCD-EFGH', NOW)).to.deep.equal(device);
    expect(await store.findByUserCode('DeviceCode', 'ZZZZ-ZZZZ', NOW)).to.equal(null);
  });

  it('never returns an expired record, by any lookup', async () => {
    const record = aRecord({ uid: 'uid-expiring', userCode: 'CODE-EXP', expiresAt: minutes(1) });
    await store.upsert(record);
    expect(await store.find('RefreshToken', record.id, minutes(1))).to.equal(null);
    expect(await store.findByUid('RefreshToken', 'uid-expiring', minutes(2))).to.equal(null);
    expect(await store.findByUserCode('RefreshToken', 'CODE-EXP', minutes(2))).to.equal(null);
  });

  it('marks a record consumed once: a second consume keeps the first time', async () => {
    const record = aRecord({ model: 'AuthorizationCode' });
    await store.upsert(record);
    await store.consume('AuthorizationCode', record.id, minutes(1));
    await store.consume('AuthorizationCode', record.id, minutes(2));
    expect((await store.find('AuthorizationCode', record.id, NOW))?.consumedAt).to.deep.equal(minutes(1));
  });

  it("revokes a grant's records of every model and no other grant's, and lists an account's grants", async () => {
    const token = aRecord();
    const code = aRecord({ model: 'AuthorizationCode' });
    const grant = aRecord({ model: 'Grant', id: 'grant-a' });
    const other = aRecord({ grantId: 'grant-b' });
    const someoneElse = aRecord({ grantId: 'grant-c', accountId: 'account-b' });
    for (const record of [token, code, grant, other, someoneElse]) await store.upsert(record);
    expect((await store.grantIdsOfAccount('account-a')).sort()).to.deep.equal(['grant-a', 'grant-b']);
    await store.revokeByGrantId('grant-a');
    for (const record of [token, code, grant]) expect(await store.find(record.model, record.id, NOW)).to.equal(null);
    expect(await store.find('RefreshToken', other.id, NOW)).to.deep.equal(other);
    expect(await store.grantIdsOfAccount('account-a')).to.deep.equal(['grant-b']);
    expect(await store.grantIdsOfAccount('account-b')).to.deep.equal(['grant-c']);
  });

  it('sweeps expired records only', async () => {
    const expired = aRecord({ expiresAt: minutes(-1) });
    const live = aRecord();
    const forever = aRecord({ model: 'Client', expiresAt: null });
    for (const record of [expired, live, forever]) await store.upsert(record);
    expect(await store.sweepExpired(NOW)).to.equal(1);
    expect(await store.find('RefreshToken', live.id, NOW)).to.deep.equal(live);
    expect(await store.find('Client', forever.id, NOW)).to.deep.equal(forever);
  });
}

describe('OidcStore contract', () => {
  describe('on SQLite (embedded)', () => {
    oidcStoreContract(async () => {
      const sqlite = await openSqlite();
      return { store: new SqliteOidcStore(sqlite.db), reopen: () => new SqliteOidcStore(sqlite.reopen()), close: sqlite.close };
    });
  });

  describe('on SQLite behind the in-process settings cache (embedded)', () => {
    // 'Client' too, so that the contract's records without expiry go through what is kept.
    const models = [OIDC_CLIENT_SETTINGS_MODEL, 'Client'];
    oidcStoreContract(async () => {
      const sqlite = await openSqlite();
      const cached = (store: OidcStore) => new MemoryCachedOidcStore(store, models, { maxEntries: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000 });
      return { store: cached(new SqliteOidcStore(sqlite.db)), reopen: () => cached(new SqliteOidcStore(sqlite.reopen())), close: sqlite.close };
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    oidcStoreContract(async () => {
      const { db, close } = await openDatabase();
      const store = new MongoOidcStore(db);
      await store.ensureIndexes();
      return { store, reopen: () => new MongoOidcStore(db), close };
    });
  });
});

describe('The in-process OIDC client settings cache (embedded)', () => {
  const limits = { maxEntries: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000 };
  let now = 0;

  function settingsOf(clientId: string, grantTypes: string[]): OidcRecord {
    return {
      model: OIDC_CLIENT_SETTINGS_MODEL,
      id: clientId,
      payload: { clientId, grantTypes, redirectUris: ['https://app.example.com/cb'] },
      grantId: null,
      uid: null,
      userCode: null,
      accountId: null,
      expiresAt: null,
      consumedAt: null,
    };
  }

  async function cached() {
    const sqlite = await openSqlite();
    const store = new MemoryCachedOidcStore(new SqliteOidcStore(sqlite.db), [OIDC_CLIENT_SETTINGS_MODEL], limits, () => now);
    /** A change made behind the store, straight in the file (as another process could). */
    const behind = (record: OidcRecord) => new SqliteOidcStore(sqlite.db).upsert(record);
    return { sqlite, store, behind };
  }

  it("answers a client's settings, and their absence, from memory: SQLite is read once per client, not once per token", async () => {
    const { sqlite, store, behind } = await cached();
    try {
      now = 0;
      await store.upsert(settingsOf('client-a', ['authorization_code']));
      expect((await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-a', NOW))?.payload['grantTypes']).to.deep.equal(['authorization_code']);
      expect(await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-b', NOW)).to.equal(null);
      await behind(settingsOf('client-a', ['client_credentials']));
      await behind(settingsOf('client-b', ['client_credentials']));
      expect((await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-a', NOW))?.payload['grantTypes']).to.deep.equal(['authorization_code']);
      expect(await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-b', NOW)).to.equal(null);
    } finally {
      await sqlite.close();
    }
  });

  it('forgets settings at once when they are replaced or destroyed through it (SetOidcClient)', async () => {
    const { sqlite, store } = await cached();
    try {
      now = 0;
      expect(await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-c', NOW)).to.equal(null);
      await store.upsert(settingsOf('client-c', ['authorization_code']));
      expect((await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-c', NOW))?.payload['grantTypes']).to.deep.equal(['authorization_code']);
      await store.upsert(settingsOf('client-c', ['client_credentials']));
      expect((await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-c', NOW))?.payload['grantTypes']).to.deep.equal(['client_credentials']);
      await store.destroy(OIDC_CLIENT_SETTINGS_MODEL, 'client-c');
      expect(await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-c', NOW)).to.equal(null);
    } finally {
      await sqlite.close();
    }
  });

  it('reads settings again once they are older than the age bound, so a change made behind it is seen', async () => {
    const { sqlite, store, behind } = await cached();
    try {
      now = 0;
      await store.upsert(settingsOf('client-d', ['authorization_code']));
      await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-d', NOW);
      await behind(settingsOf('client-d', ['client_credentials']));
      now = limits.maxAgeMs;
      expect((await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-d', NOW))?.payload['grantTypes']).to.deep.equal(['client_credentials']);
    } finally {
      await sqlite.close();
    }
  });

  it("keeps no other model's records: a refresh token consumed or revoked behind it is seen at once", async () => {
    const { sqlite, store } = await cached();
    try {
      const token = aRecord({ model: 'RefreshToken', grantId: 'grant-x' });
      await store.upsert(token);
      expect(await store.find('RefreshToken', token.id, NOW)).to.deep.equal(token);
      const file = new SqliteOidcStore(sqlite.db);
      await file.consume('RefreshToken', token.id, minutes(1));
      expect((await store.find('RefreshToken', token.id, NOW))?.consumedAt).to.deep.equal(minutes(1));
      await file.revokeByGrantId('grant-x');
      expect(await store.find('RefreshToken', token.id, NOW)).to.equal(null);
    } finally {
      await sqlite.close();
    }
  });

  it('hands out settings no caller can change for the next one', async () => {
    const { sqlite, store } = await cached();
    try {
      await store.upsert(settingsOf('client-e', ['authorization_code']));
      const first = await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-e', NOW);
      expect(() => (first!.payload['grantTypes'] as string[]).push('client_credentials')).to.throw(TypeError);
      expect((await store.find(OIDC_CLIENT_SETTINGS_MODEL, 'client-e', NOW))?.payload['grantTypes']).to.deep.equal(['authorization_code']);
    } finally {
      await sqlite.close();
    }
  });
});
