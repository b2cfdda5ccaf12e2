import { MongoClient, MongoServerError, type Db } from 'mongodb';
import type { Logger } from '../../domain/logger';
import { describe } from '../../domain/describe-error';
import { connectWithBackoff } from '../connect-with-backoff';

/**
 * Connects to MongoDB, retrying with back-off until `timeoutMs` has passed, and logs what
 * it waits for. Works against MongoDB 6/7 and FerretDB 1.x.
 */
export async function connectMongo(uri: string, dbName: string, timeoutMs: number, log: Logger): Promise<{ client: MongoClient; db: Db }> {
  return connectWithBackoff('MongoDB', timeoutMs, log, async (attemptMs) => {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: attemptMs, connectTimeoutMS: attemptMs, retryWrites: false });
    try {
      await client.connect();
      const db = client.db(dbName);
      await db.command({ ping: 1 });
      return { client, db };
    } catch (error) {
      await client.close().catch((closeError: unknown) => log.warn({ err: describe(closeError) }, 'could not close a failed MongoDB connection'));
      throw error;
    }
  });
}

/** MongoDB's and FerretDB's duplicate-key error. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
