/**
 * What the sessions hold on disk after the benchmark's refreshes: rows of sessions,
 * refresh tokens and (on MongoDB) rotation claims, and their bytes, read straight from
 * the store the server used.
 */
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { sqliteFilePath } from '../../src/adapters/embedded/sqlite-database.js';

export interface StorageFigures {
  refreshes: number;
  sessions: number;
  refreshTokens: number;
  rotations: number;
  /** Bytes of those tables or collections (pages on SQLite, data size on MongoDB). */
  bytes: number;
}

const TABLES = ['sessions', 'refresh_tokens', 'refresh_token_rotations'] as const;

export async function sessionStorage(stores: { dataDir: string } | { mongoUri: string; dbName: string }, refreshes: number): Promise<StorageFigures> {
  if ('dataDir' in stores) {
    const db = new Database(sqliteFilePath(stores.dataDir), { readonly: true, fileMustExist: true });
    try {
      const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
      // The tables' pages and their indexes' pages.
      const bytes = db
        .prepare("SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name IN ('sessions', 'refresh_tokens'))")
        .pluck()
        .get() as number;
      return { refreshes, sessions: count('sessions'), refreshTokens: count('refresh_tokens'), rotations: 0, bytes };
    } finally {
      db.close();
    }
  }
  const client = new MongoClient(stores.mongoUri);
  try {
    const db = client.db(stores.dbName);
    const counts = await Promise.all(TABLES.map((name) => db.collection(name).countDocuments()));
    const sizes = await Promise.all(
      TABLES.map((name) =>
        db.command({ collStats: name }).then(
          (stats) => Number(stats['size'] ?? 0),
          () => NaN,
        ),
      ),
    );
    return { refreshes, sessions: counts[0]!, refreshTokens: counts[1]!, rotations: counts[2]!, bytes: sizes.reduce((sum, size) => sum + size, 0) };
  } finally {
    await client.close();
  }
}
