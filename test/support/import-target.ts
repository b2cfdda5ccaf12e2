/** The import's target store, read around the service, on either set-up. */
import { MongoClient } from 'mongodb';
import type { Setup } from './server.js';
import { mongoStoredState, type StoredState, sqliteStoredState } from './stored-state.js';

/** Opens the store `env` configures (MONGODB_URI and DB_NAME, or DATA_DIR); close it after use. */
export async function openImportTarget(setup: Setup, env: Record<string, string>): Promise<StoredState> {
  if (setup === 'embedded') return sqliteStoredState(env['DATA_DIR']!);
  const mongo = new MongoClient(env['MONGODB_URI']!, { retryWrites: false });
  await mongo.connect();
  const state = mongoStoredState(mongo.db(env['DB_NAME']!));
  return { ...state, close: async () => mongo.close() };
}
