import type { ClientQuery } from '../../domain/clients/ports.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { prefixRange } from './sqlite-prefix-range.js';

/**
 * From this many matches on, an email prefix is broad: the page walks the clients in id
 * order and keeps the matches (dense, so a page fills after about limit × clients ÷ matches
 * rows) rather than reading the prefix's range of the email index and sorting it by id (a
 * read and a sort of every match). Either way a page reads at most about this many index
 * entries, or limit × clients ÷ this many rows; docs/console.md has the measured costs.
 */
export const BROAD_PREFIX_MATCHES = 2000;

/** The rows of clients not marked deleted: the only ones the port lets callers see. */
export const LIVE = 'deletion_request_id IS NULL';

/**
 * The SELECT of one page of `ClientStore.list` and its parameters, each filter read from an
 * index: a group from client_groups, a selective email prefix from the email index, the
 * rest in id order.
 */
export function clientListQuery(db: SqliteDatabase, query: ClientQuery): { sql: string; params: unknown[] } {
  const conditions: string[] = [LIVE];
  const values: unknown[] = [];
  const range = query.emailPrefix ? prefixRange(query.emailPrefix) : null;
  // A unary + keeps a term off the indexes, which steers SQLite's choice. With a prefix and
  // no group, kind and suspension stay off theirs (it holds nearly every client); with a
  // selective prefix the id does too (walking the id index skips the sort but reads every
  // client to find a few), so the prefix's range of the email index is read; with a broad
  // one the email terms stay off, so the clients are walked in id order.
  const byPrefix = range !== null && query.group === undefined;
  const selective = byPrefix && !isBroad(db, range.from, range.before);
  const off = byPrefix ? '+' : '';
  const idOff = selective ? '+' : '';
  const emailOff = range !== null && !selective ? '+' : '';
  if (query.kind) {
    conditions.push(`${off}kind = ?`);
    values.push(query.kind);
  }
  if (query.suspended !== undefined) {
    conditions.push(`${off}suspended = ?`);
    values.push(query.suspended ? 1 : 0);
  }
  if (query.emailVerified !== undefined) conditions.push(query.emailVerified ? 'email_verified_at IS NOT NULL' : 'email_verified_at IS NULL');
  if (range) {
    conditions.push(`${emailOff}email >= ?`);
    values.push(range.from);
    if (range.before !== null) {
      conditions.push(`${emailOff}email < ?`);
      values.push(range.before);
    }
  }
  const order = query.newestFirst ? 'DESC' : 'ASC';
  // With a group, the group's rows of client_groups lead, in id order from their index,
  // and each client is fetched by its id: a page reads the group's rows, not the table.
  const key = query.group === undefined ? `${idOff}id` : 'client_groups.client_id';
  if (query.afterId) {
    conditions.push(`${key} ${query.newestFirst ? '<' : '>'} ?`);
    values.push(query.afterId);
  }
  const from =
    query.group === undefined ? 'clients' : 'client_groups CROSS JOIN clients ON clients.id = client_groups.client_id AND client_groups.group_name = ?';
  const sql = `SELECT clients.* FROM ${from} WHERE ${conditions.join(' AND ')} ORDER BY ${key} ${order} LIMIT ?`;
  return { sql, params: query.group === undefined ? [...values, query.limit] : [query.group, ...values, query.limit] };
}

/** Whether the prefix's range holds BROAD_PREFIX_MATCHES emails or more: at most that many entries of the email index are counted. */
function isBroad(db: SqliteDatabase, from: string, before: string | null): boolean {
  const upper = before === null ? '' : ' AND email < ?';
  const count = db
    .prepare<unknown[], number>(`SELECT count(*) FROM (SELECT 1 FROM clients WHERE email >= ?${upper} LIMIT ?)`)
    .pluck()
    .get(...(before === null ? [from] : [from, before]), BROAD_PREFIX_MATCHES);
  return count === BROAD_PREFIX_MATCHES;
}
