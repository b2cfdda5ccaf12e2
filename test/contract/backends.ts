/**
 * Fresh backends for the contract suites: each test gets a database (or key space) of its
 * own, so a suite can assert counts and order without seeing another test's data.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import type { Redis } from 'ioredis';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/adapters/embedded/sqlite-database';
import { connectRedis } from '../../src/adapters/redis/connect';
import { silentLogger } from '../../src/domain/logger';
import { requireServices } from '../support/services';

let counter = 0;

/** A name no other test of this run uses, safe as a database name, key prefix or channel. */
export function uniqueName(label: string): string {
  return `${label}_${process.pid}_${++counter}_${Date.now().toString(36)}`;
}

export interface SqliteBackend {
  db: SqliteDatabase;
  dataDir: string;
  /** Another connection to the same file, as a restarted process would open. */
  reopen(): SqliteDatabase;
  close(): Promise<void>;
}

/** A new SQLite database in a new temporary DATA_DIR. */
export async function openSqlite(): Promise<SqliteBackend> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-auth-contract-'));
  const db = openSqliteDatabase(dataDir);
  const others: SqliteDatabase[] = [];
  return {
    db,
    dataDir,
    reopen: () => {
      const other = openSqliteDatabase(dataDir);
      others.push(other);
      return other;
    },
    close: async () => {
      for (const other of others) other.close();
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Connects to the test FerretDB around the calling `describe` (skipping it when FerretDB
 * is not available) and returns a function that opens a fresh database, dropped on close.
 */
export function ferretDatabases(): () => Promise<{ db: Db; close(): Promise<void> }> {
  let client: MongoClient | null = null;
  before(async function () {
    const { mongoUri } = requireServices(this);
    client = new MongoClient(mongoUri, { retryWrites: false });
    await client.connect();
  });
  after(async () => {
    await client?.close();
  });
  return async () => {
    const db = client!.db(uniqueName('contract'));
    return { db, close: async () => void (await db.dropDatabase()) };
  };
}

/**
 * Resolves the test Redis around the calling `describe` (skipping it when Redis is not
 * available) and returns a function that opens a connection, as the service opens them.
 */
export function redisConnections(): () => Promise<Redis> {
  let url = '';
  before(function () {
    url = requireServices(this).redisUrl;
  });
  return () => connectRedis(url, 5000, silentLogger, 'contract test');
}

/** A clock a test moves by hand, so expiry is tested without sleeping. */
export function manualClock(start = Date.now()): { now: () => number; advance(ms: number): void } {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}
