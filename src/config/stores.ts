/**
 * Where the state lives (MONGODB_URI or the original DB_* names, the Redis variables, or
 * DATA_DIR for the embedded set-up); read by `loadConfig` (index.ts), which owns the environment.
 */
import { mongoSocketTimeoutFrom } from './mongo-timeouts.js';
import { ConfigError, type Reader } from './reader.js';
import { type RedisConfig, redisFrom } from './redis.js';

export interface MongoConfig {
  readonly uri: string;
  readonly dbName: string;
  /** How long a call may wait on its connection with nothing coming back (mongo-timeouts.ts). */
  readonly socketTimeoutMs: number;
}

/**
 * Where the state lives. The two set-ups are exclusive: an in-process revocation list
 * cannot serve several instances (and several instances must sign alike: see SigningConfig).
 */
export type StoresConfig =
  | {
      readonly kind: 'embedded';
      /** The SQLite file, the generated secrets and the mail drop live here. */
      readonly dataDir: string;
      /**
       * SQLite's `synchronous` in WAL mode: `normal` syncs at checkpoints (nothing is lost
       * when the process dies; the last commits can be lost when the machine does), `full`
       * syncs every commit.
       */
      readonly synchronous: 'normal' | 'full';
    }
  | {
      readonly kind: 'shared';
      readonly mongo: MongoConfig;
      readonly redis: RedisConfig;
    };

export function storesFrom(read: Reader): StoresConfig {
  const mongo = mongoFrom(read);
  const redis = redisFrom(read);
  if (mongo === null && redis === null) {
    return {
      kind: 'embedded',
      dataDir: read.string('DATA_DIR', './data'),
      synchronous: read.oneOf('SQLITE_SYNCHRONOUS', ['normal', 'full'] as const, 'normal'),
    };
  }
  if (mongo === null || redis === null) {
    const missing = mongo === null ? 'MongoDB (MONGODB_URI or DB_HOST)' : 'Redis (REDIS_URL, REDIS_HOST, REDIS_SENTINELS or REDIS_CLUSTER_NODES)';
    throw new ConfigError(
      `${missing} is not configured while the other store is: configure both for the shared set-up, ` +
        'or neither for the embedded one (an in-process revocation list cannot serve several instances)',
    );
  }
  return { kind: 'shared', mongo, redis };
}

function mongoFrom(read: Reader): MongoConfig | null {
  const dbName = read.string('DB_NAME', 'client_auth');
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(dbName)) throw new ConfigError('DB_NAME must be 1 to 63 letters, digits, _ or -');
  const uri = read.optional('MONGODB_URI');
  if (uri !== null) {
    if (!/^mongodb(\+srv)?:\/\//.test(uri)) throw new ConfigError('MONGODB_URI must start with mongodb:// or mongodb+srv://');
    return { uri, dbName, socketTimeoutMs: mongoSocketTimeoutFrom(read) };
  }
  const host = read.optional('DB_HOST');
  if (host === null) return null;
  const socketTimeoutMs = mongoSocketTimeoutFrom(read);
  const port = read.int('DB_PORT', 27017, 1, 65535);
  const user = read.optional('DB_USER');
  const password = read.optional('DB_PASSWORD');
  const auth = user === null ? '' : `${encodeURIComponent(user)}:${encodeURIComponent(password ?? '')}@`;
  const query = user === null ? '' : '?authSource=admin';
  return { uri: `mongodb://${auth}${host}:${port}/${query}`, dbName, socketTimeoutMs };
}
