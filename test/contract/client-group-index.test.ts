/**
 * The group filter of ClientStore.list is an index lookup on both stores: on SQLite the
 * query plan searches the client_groups table's index (never a scan of the clients, never
 * a sort), and the migration that brings the table fills it for the clients stored before;
 * on MongoDB the multikey index on groups exists.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { SqliteClientStore } from '../../src/adapters/embedded/sqlite-client-store.js';
import { openSqliteDatabase, sqliteFilePath } from '../../src/adapters/embedded/sqlite-database.js';
import { SCHEMA_MIGRATIONS } from '../../src/adapters/embedded/sqlite-schema.js';
import { MongoClientStore } from '../../src/adapters/mongo/client-store.js';
import type { ClientRecord } from '../../src/domain/kernel/client.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { ferretDatabases, openSqlite } from './backends.js';
import { aClientRecord, sqlitePlansOf } from './store-fixtures.js';

describe('The group filter of the client list, on the indexes', () => {
  describe('on SQLite', () => {
    it('reads a group from the client_groups index in id order, alone or with the other filters, in both orders, without scanning or sorting', async () => {
      const sqlite = await openSqlite();
      try {
        const store = new SqliteClientStore(sqlite.db);
        for (let i = 0; i < 20; i++) await store.insert(aClientRecord({ groups: i % 2 ? ['user', 'ops'] : ['user'], suspended: i % 5 === 0 }));
        const plans = sqlitePlansOf(sqlite.db);
        const afterId = newId();
        await store.list({ group: 'ops', limit: 51 });
        await store.list({ group: 'ops', limit: 51, newestFirst: true, afterId });
        await store.list({ group: 'ops', kind: 'user', suspended: false, limit: 51, afterId });
        await store.list({ group: 'ops', emailPrefix: 'member1', emailVerified: false, limit: 51 });
        expect(plans).to.have.length(4);
        for (const plan of plans) {
          expect(plan).to.match(/^SEARCH client_groups USING PRIMARY KEY \(group_name=\?/);
          expect(plan).to.match(/SEARCH clients USING INDEX sqlite_autoindex_clients_1 \(id=\?\)/);
          expect(plan).to.not.match(/SCAN|TEMP B-TREE/);
        }
      } finally {
        await sqlite.close();
      }
    });

    it('fills client_groups, when it migrates, for the clients an earlier release stored', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-auth-groups-'));
      try {
        // The schema as the release before client_groups left it, with its clients.
        const before = SCHEMA_MIGRATIONS.findIndex((migration) => migration.includes('CREATE TABLE client_groups'));
        expect(before).to.be.greaterThan(0);
        const old = new Database(sqliteFilePath(dataDir));
        for (const migration of SCHEMA_MIGRATIONS.slice(0, before)) old.exec(migration);
        old.pragma(`user_version = ${before}`);
        const oldStore = new SqliteClientStore(old);
        const [ops, both, none] = [aClientRecord({ groups: ['user', 'ops'] }), aClientRecord({ groups: ['user', 'ops', 'billing'] }), aClientRecord()];
        for (const client of [none, both, ops]) await oldStore.insert(client);
        old.close();

        const db = openSqliteDatabase(dataDir);
        try {
          const store = new SqliteClientStore(db);
          const ids = (clients: ClientRecord[]) => clients.map((client) => client.id).sort();
          expect(ids(await store.list({ group: 'ops', limit: 10 }))).to.deep.equal(ids([ops, both]));
          expect(ids(await store.list({ group: 'billing', limit: 10 }))).to.deep.equal(ids([both]));
          expect(ids(await store.list({ group: 'user', limit: 10 }))).to.deep.equal(ids([ops, both, none]));
          expect(db.prepare('SELECT count(*) FROM client_groups').pluck().get()).to.equal(6);
        } finally {
          db.close();
        }
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();

    it('has the multikey index on groups, in id order, that the group filter reads', async () => {
      const { db, close } = await openDatabase();
      try {
        await new MongoClientStore(db).ensureIndexes();
        const keys = (await db.collection('clients').indexes()).map((index) => JSON.stringify(index.key));
        expect(keys).to.include('{"groups":1,"_id":1}');
      } finally {
        await close();
      }
    });
  });
});
