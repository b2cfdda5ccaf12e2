import { MongoClient, MongoServerError, type Db } from 'mongodb';
import type { Logger } from '../../domain/logger';
import { describe } from '../../domain/describe-error';

/**
 * Connects to MongoDB, retrying with back-off until `timeoutMs` has passed, and logs what
 * it waits for. Works against MongoDB 6/7 and FerretDB 1.x.
 */
export async function connectMongo(uri: string, dbName: string, timeoutMs: number, log: Logger): Promise<{ client: MongoClient; db: Db }> {
  const deadline = Date.now() + timeoutMs;
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    // Leave time for a retry: one attempt never takes more than half of what is left.
    const selectionMs = Math.max(250, Math.min(2000, (deadline - Date.now()) / 2));
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: selectionMs, connectTimeoutMS: selectionMs, retryWrites: false });
    try {
      await client.connect();
      const db = client.db(dbName);
      await db.command({ ping: 1 });
      return { client, db };
    } catch (error) {
      await client.close().catch(() => {});
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`MongoDB did not answer within ${timeoutMs} ms: ${describe(error)}`);
      log.info({ attempt, retryInMs: Math.min(delay, remaining), err: describe(error) }, 'waiting for MongoDB');
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, remaining)));
      delay = Math.min(delay * 2, 2000);
    }
  }
}

/** MongoDB's and FerretDB's duplicate-key error. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
