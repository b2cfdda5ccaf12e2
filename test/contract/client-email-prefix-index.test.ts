/**
 * The email-prefix search of ClientStore.list is a range on the unique email index on
 * SQLite: a selective prefix reads its matches only, never the whole table, alone or with
 * the other filters, in both orders and with keyset paging.
 */
import { expect } from 'chai';
import { BROAD_PREFIX_MATCHES } from '../../src/adapters/embedded/sqlite-client-list.js';
import { SqliteClientStore } from '../../src/adapters/embedded/sqlite-client-store.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { openSqlite } from './backends.js';
import { aClientRecord, sqlitePlansOf } from './store-fixtures.js';

describe('The email-prefix search of the client list, on the email index', () => {
  it('reads a range of the email index on SQLite, alone or with the other filters, paging and both orders, never scanning the clients', async () => {
    const sqlite = await openSqlite();
    try {
      const store = new SqliteClientStore(sqlite.db);
      for (let i = 0; i < 20; i++) await store.insert(aClientRecord({ suspended: i % 5 === 0 }));
      const plans = sqlitePlansOf(sqlite.db);
      const afterId = newId();
      await store.list({ emailPrefix: 'member1', limit: 51 });
      await store.list({ emailPrefix: 'member1', limit: 51, newestFirst: true, afterId });
      await store.list({ emailPrefix: 'member1', kind: 'user', suspended: false, emailVerified: false, limit: 51, afterId });
      await store.list({ emailPrefix: '50%_', limit: 51 });
      await store.list({ emailPrefix: '\u{10FFFF}', limit: 51 });
      expect(plans).to.have.length(5);
      for (const plan of plans.slice(0, 4)) expect(plan).to.match(/^SEARCH clients USING INDEX sqlite_autoindex_clients_2 \(email>\? AND email<\?\)/);
      // A prefix of the greatest code point has no successor: the range is open above.
      expect(plans[4]).to.match(/^SEARCH clients USING INDEX sqlite_autoindex_clients_2 \(email>\?\)/);
      for (const plan of plans) expect(plan).to.not.match(/SCAN/);
    } finally {
      await sqlite.close();
    }
  });

  it('walks the clients in id order for a broad prefix on SQLite, and pages its matches in both orders', async () => {
    const sqlite = await openSqlite();
    try {
      const store = new SqliteClientStore(sqlite.db);
      const start = Date.now();
      const clients = Array.from({ length: BROAD_PREFIX_MATCHES * 2 }, (_, i) =>
        aClientRecord({ id: newId(start + i), email: `${i % 3 ? 'wide' : 'other'}${i}@example.com` }),
      );
      sqlite.db.exec('BEGIN');
      for (const client of clients) await store.insert(client);
      sqlite.db.exec('COMMIT');
      const wide = clients.filter((client) => client.email.startsWith('wide')).map((client) => client.id);
      expect(wide.length).to.be.at.least(BROAD_PREFIX_MATCHES);
      const plans = sqlitePlansOf(sqlite.db);
      const ids = async (query: Parameters<typeof store.list>[0]) => (await store.list(query)).map((client) => client.id);
      const first = await ids({ emailPrefix: 'wide', limit: 3 });
      expect(first).to.deep.equal(wide.slice(0, 3));
      expect(await ids({ emailPrefix: 'wide', limit: 3, afterId: first[2]! })).to.deep.equal(wide.slice(3, 6));
      expect(await ids({ emailPrefix: 'wide', limit: 3, newestFirst: true })).to.deep.equal(wide.slice(-3).reverse());
      expect(await ids({ emailPrefix: 'wide', kind: 'user', suspended: false, limit: 3, newestFirst: true, afterId: wide.at(-3)! })).to.deep.equal(
        wide.slice(-6, -3).reverse(),
      );
      expect(plans).to.have.length(4);
      for (const plan of plans) {
        expect(plan).to.match(/^(SCAN|SEARCH) clients USING INDEX sqlite_autoindex_clients_1/);
        expect(plan).to.not.match(/TEMP B-TREE/);
      }
    } finally {
      await sqlite.close();
    }
  });
});
