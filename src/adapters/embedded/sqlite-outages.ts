import Database from 'better-sqlite3';
import { reportingOutages } from '../store-outages.js';

/** Result codes of a file that cannot be read or written now, as opposed to a bad statement. */
const OUTAGE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|PROTOCOL)/;

/**
 * Whether a better-sqlite3 error means the database file cannot be used (locked too long,
 * disk full or failing, a closed connection) rather than that the statement was wrong.
 * better-sqlite3 reports a closed connection as a TypeError, recognisable by its message only.
 */
export function isSqliteOutage(error: unknown): boolean {
  if (error instanceof Database.SqliteError) return OUTAGE_CODES.test(error.code);
  return error instanceof TypeError && error.message === 'The database connection is not open';
}

/** The store, with SQLite failures of the file reported as the domain's `UnavailableError`. */
export function withSqliteOutages<T extends object>(store: T, what: string): T {
  return reportingOutages(store, what, isSqliteOutage);
}
