/**
 * What the store contract suites build their cases from: client records made as the use
 * cases make them, and the plans SQLite chooses, so a suite can say a query reads an index.
 */
import type { SqliteDatabase } from '../../src/adapters/embedded/sqlite-database.js';
import { newClientRecord } from '../../src/domain/clients/records.js';
import type { ClientRecord } from '../../src/domain/kernel/client.js';

let sequence = 0;

/** A person's record, as registration makes it, created at `at`; `fields` override any field (the email is unique by default). */
export function aClientRecord(fields: Partial<ClientRecord> = {}, at = Date.UTC(2026, 0, 2, 3, 4, 5)): ClientRecord {
  return newClientRecord('user', `member${++sequence}@example.com`, fields, at);
}

/**
 * The plan SQLite chose for every SELECT the connection runs from now on through a
 * statement's `all` (and `get` too when asked), one string per query, its steps joined by "; ".
 */
export function sqlitePlansOf(db: SqliteDatabase, methods: ReadonlyArray<'all' | 'get'> = ['all']): string[] {
  const plans: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (!sql.trimStart().startsWith('SELECT')) return statement;
    const explain = (params: unknown[]) => {
      const steps = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      plans.push(steps.map((step) => step.detail).join('; '));
    };
    const get = statement.get.bind(statement);
    const all = statement.all.bind(statement);
    if (methods.includes('get'))
      statement.get = ((...params: unknown[]) => {
        explain(params);
        return get(...params);
      }) as typeof statement.get;
    if (methods.includes('all'))
      statement.all = ((...params: unknown[]) => {
        explain(params);
        return all(...params);
      }) as typeof statement.all;
    return statement;
  }) as typeof db.prepare;
  return plans;
}
