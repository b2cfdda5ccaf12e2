/**
 * The email-prefix search of ClientStore.list is a range on the unique email index on
 * SQLite: a selective prefix reads its matches only, never the whole table, alone or with
 * the other filters, in both orders and with keyset paging.
 */
import { expect } from 'chai';
import { SqliteClientStore } from '../../src/adapters/embedded/sqlite-client-store.js';
import type { SqliteDatabase } from '../../src/adapters/embedded/sqlite-database.js';
import type { ClientRecord } from '../../src/domain/kernel/client.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { openSqlite } from './backends.js';

let sequence = 0;

function aClient(fields: Partial<ClientRecord> = {}): ClientRecord {
  const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  return {
    id: newId(),
    kind: 'user',
    email: `member${++sequence}@example.com`,
    firstName: '',
    lastName: '',
    phoneNumber: '',
    name: '',
    groups: ['user'],
    attributes: {},
    passwordHash: null,
    secretHash: null,
    suspended: false,
    suspensionReason: '',
    suspendedAt: null,
    suspendedBy: '',
    createdAt: at,
    updatedAt: at,
    emailVerifiedAt: null,
    lastTokenIssuedAt: null,
    ...fields,
  };
}

/** The plan SQLite chose for every SELECT the connection ran, one string per query. */
function plansOf(db: SqliteDatabase): string[] {
  const plans: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (!sql.trimStart().startsWith('SELECT')) return statement;
    const all = statement.all.bind(statement);
    statement.all = ((...params: unknown[]) => {
      const steps = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      plans.push(steps.map((step) => step.detail).join('; '));
      return all(...params);
    }) as typeof statement.all;
    return statement;
  }) as typeof db.prepare;
  return plans;
}

describe('The email-prefix search of the client list, on the email index', () => {
  it('reads a range of the email index on SQLite, alone or with the other filters, paging and both orders, never scanning the clients', async () => {
    const sqlite = await openSqlite();
    try {
      const store = new SqliteClientStore(sqlite.db);
      for (let i = 0; i < 20; i++) await store.insert(aClient({ suspended: i % 5 === 0 }));
      const plans = plansOf(sqlite.db);
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
});
