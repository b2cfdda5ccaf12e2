/**
 * Fresh backends for the contract suites: each test gets a database (or key space) of its
 * own, so a suite can assert counts and order without seeing another test's data.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Db, MongoClient } from 'mongodb';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/adapters/embedded/sqlite-database.js';
import { connectRedis } from '../../src/adapters/redis/redis-connect.js';
import type { RedisClient } from '../../src/adapters/redis/topology.js';
import type { RedisNode, RedisTarget } from '../../src/config/index.js';
import { silentLogger } from '../../src/domain/kernel/logger.js';
import { type RedisClusterSetUp, redisTools, startRedisCluster } from '../support/redis-topologies.js';
import { requireServices } from '../support/services.js';
import { skipOrFailInCI } from '../support/skip-or-fail.js';

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

/** Opens a connection as the service opens them; `subscriber` for one that follows the revocation channel. */
export type OpenRedis = (options?: { subscriber?: boolean }) => Promise<RedisClient>;

/**
 * Resolves the test Redis around the calling `describe` (skipping it when Redis is not
 * available) and returns a function that opens a connection, as the service opens them.
 */
export function redisConnections(): OpenRedis {
  let config: RedisTarget = { kind: 'standalone', url: '' };
  before(function () {
    config = { kind: 'standalone', url: requireServices(this).redisUrl };
  });
  return (options) => connectRedis(config, 5000, silentLogger, 'contract test', options);
}

/** The run's Redis Cluster, started by the first suite that asks; the run's teardown stops it with every other process. */
let cluster: Promise<RedisClusterSetUp> | undefined;

/**
 * Starts a 3-master Redis Cluster for the calling `describe` (once per run; skipping, or
 * failing in CI, when redis-server or redis-cli is missing) and returns a function that
 * opens a cluster connection, as the service opens them.
 */
export function redisClusterConnections(): OpenRedis {
  let nodes: readonly RedisNode[] = [];
  before(async function () {
    this.timeout(90_000);
    const tools = redisTools();
    if (typeof tools === 'string') skipOrFailInCI(this, tools);
    cluster ??= startRedisCluster(tools);
    ({ nodes } = await cluster);
  });
  return (options) => {
    const config: RedisTarget = { kind: 'cluster', nodes, username: null, password: null, tls: false };
    return connectRedis(config, 10_000, silentLogger, 'contract test', options);
  };
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
