/**
 * Reads the original service's clients from its MongoDB: database `DB_NAME`, collection
 * `users`, in `_id` order. Read-only: the original's data is never changed.
 */
import { type Collection, type Document, MongoClient, ObjectId } from 'mongodb';
import type { OriginalDocument } from './original-client.js';

export interface OriginalSource {
  count(): Promise<number>;
  /** Every document, in `_id` order, in batches. */
  documents(batchSize: number): AsyncIterable<OriginalDocument[]>;
  close(): Promise<void>;
}

export async function openOriginalSource(uri: string, dbName: string, timeoutMs: number): Promise<OriginalSource> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, retryWrites: false });
  await client.connect();
  const users: Collection<Document> = client.db(dbName).collection('users');
  return {
    count: () => users.countDocuments(),
    documents: (batchSize) => batches(users, batchSize),
    close: () => client.close(),
  };
}

async function* batches(users: Collection<Document>, batchSize: number): AsyncIterable<OriginalDocument[]> {
  const cursor = users.find({}).sort({ _id: 1 }).batchSize(batchSize);
  let batch: OriginalDocument[] = [];
  try {
    for await (const document of cursor) {
      batch.push({ id: idOf(document['_id']), fields: document });
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await cursor.close();
  }
}

function idOf(id: unknown): string {
  if (id instanceof ObjectId) return id.toHexString();
  return typeof id === 'string' ? id : String(id);
}
