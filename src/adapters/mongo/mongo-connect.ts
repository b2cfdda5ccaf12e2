import { type Db, MongoClient, type MongoClientOptions, MongoServerError } from 'mongodb';
import { describeError } from '../../domain/kernel/error-text.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { connectWithBackoff } from '../connect-with-backoff.js';

/**
 * What every read and write of the service needs on a replica set, whatever the connection
 * string says (these options win over its own): every write here is security-critical
 * (client state, sessions and their revocation, the outbox of deletion requests), so it is
 * acknowledged by a majority and survives a failover; every read decides an authentication
 * or a change, so it goes to the primary and never sees a stale secondary; a write or read
 * cut by a failover is retried once by the driver. A majority that does not answer within
 * `wtimeoutMS` fails the call with UNAVAILABLE (src/adapters/mongo/mongo-outages.ts).
 *
 * FerretDB and a standalone MongoDB accept all of it: they take `w: "majority"` as
 * acknowledged by themselves, and the driver sends no retryable-write ids to a server
 * that is not part of a replica set. Nothing here needs transactions or change streams.
 */
export const CONSISTENCY_OPTIONS = {
  writeConcern: { w: 'majority', wtimeoutMS: 5000 },
  readPreference: 'primary',
  retryWrites: true,
  retryReads: true,
} as const satisfies MongoClientOptions;

/**
 * Connects to MongoDB, retrying with back-off until `timeoutMs` has passed, and logs what
 * it waits for and which topology it found. Works against MongoDB 6/7 (standalone,
 * replica set, Atlas) and FerretDB 1.x.
 */
export async function connectMongo(
  target: { uri: string; dbName: string; socketTimeoutMs: number },
  timeoutMs: number,
  log: Logger,
): Promise<{ client: MongoClient; db: Db }> {
  const { uri, dbName } = target;
  return connectWithBackoff('MongoDB', timeoutMs, log, async (attemptMs) => {
    // socketTimeoutMS: a call on a connection that went silent (no reset) fails as an outage
    // instead of waiting for ever (src/config/mongo-timeouts.ts says why).
    const client = new MongoClient(uri, {
      serverSelectionTimeoutMS: attemptMs,
      connectTimeoutMS: attemptMs,
      socketTimeoutMS: target.socketTimeoutMs,
      ...CONSISTENCY_OPTIONS,
    });
    try {
      await client.connect();
      const db = client.db(dbName);
      const hello = (await db.command({ hello: 1 })) as { setName?: string; msg?: string };
      const topology = hello.setName ? `replica set ${hello.setName}` : hello.msg === 'isdbgrid' ? 'sharded cluster' : 'single server';
      log.info({ topology, writeConcern: 'majority', readPreference: 'primary' }, 'connected to MongoDB');
      return { client, db };
    } catch (error) {
      await client.close().catch((closeError: unknown) => log.warn({ err: describeError(closeError) }, 'could not close a failed MongoDB connection'));
      throw error;
    }
  });
}

/** MongoDB's and FerretDB's duplicate-key error. */
export function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) return false;
  // FerretDB's SQLite backend reports a unique index broken by an update (an insert gets
  // 11000) as an InternalError carrying SQLite's message.
  return error.code === 11000 || (error.code === 1 && /UNIQUE constraint failed/.test(error.message));
}
