import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { ensureDataDir } from './data-dir.js';
import { migrate } from './sqlite-schema.js';

/** The database file of the embedded set-up, inside DATA_DIR. */
export const SQLITE_FILE_NAME = 'client-auth.sqlite';

export type SqliteDatabase = Database.Database;

/** Where the embedded set-up keeps its database for a given DATA_DIR. */
export function sqliteFilePath(dataDir: string): string {
  return path.resolve(dataDir, SQLITE_FILE_NAME);
}

/**
 * Opens (creating if needed) the embedded set-up's SQLite database under `dataDir` and
 * brings its schema up to date.
 */
export function openSqliteDatabase(dataDir: string, options: { synchronous: 'normal' | 'full' } = { synchronous: 'normal' }): SqliteDatabase {
  ensureDataDir(dataDir);
  const file = sqliteFilePath(dataDir);
  // Password hashes live here: create the file owner-only (SQLite gives its -wal and -shm files the same mode).
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  const db = new Database(file);
  try {
    // WAL lets a reader (a backup, a test, sqlite3 on the command line) look while the service writes.
    db.pragma('journal_mode = WAL');
    // FULL would fsync the WAL on every commit, holding the event loop for the disk's flush
    // on every refresh token rotation; NORMAL syncs at checkpoints only.
    // WAL keeps the file consistent either way (SQLITE_SYNCHRONOUS in docs/configuration.md).
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // Another connection to the file may hold the write lock briefly; wait rather than fail.
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The `synchronous` setting the connection really has, as SQLite names it. */
export function synchronousOf(db: SqliteDatabase): string {
  const level = db.pragma('synchronous', { simple: true }) as number;
  return ['OFF', 'NORMAL', 'FULL', 'EXTRA'][level] ?? String(level);
}

/** SQLite's unique-constraint failure (not a primary-key one, which has its own code). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** SQLite's primary-key failure. */
export function isPrimaryKeyViolation(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function toMillis(date: Date): number;
export function toMillis(date: Date | null): number | null;
export function toMillis(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}

export function fromMillis(millis: number): Date;
export function fromMillis(millis: number | null): Date | null;
export function fromMillis(millis: number | null): Date | null {
  return millis === null ? null : new Date(millis);
}
