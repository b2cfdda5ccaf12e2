/**
 * Starts the real service (gRPC on localhost:0) and a generated client for a test suite,
 * on either set-up: 'shared' (FerretDB + Redis) or 'embedded' (SQLite file, in process).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { type Db, MongoClient } from 'mongodb';
import { MemoryCachedClientStore } from '../../src/adapters/embedded/memory-cached-client-store.js';
import { CLIENT_CHANGES_CHANNEL } from '../../src/adapters/redis/cached-client-store.js';
import { type App, buildApp } from '../../src/bootstrap/composition.js';
import { type Config, loadConfig, type RedisConfig } from '../../src/config/index.js';
import type { Logger } from '../../src/domain/kernel/logger.js';
import { errorDetailOf } from '../../src/sdk/error-details.js';
import { type ClientAuthPromiseClient, createClientAuthClient } from '../../src/sdk/typed-client.js';
import { type RunningGrpcServer, startGrpcServer } from '../../src/transport/grpc/grpc-server.js';
import { requireServices } from './services.js';
import { mongoStoredState, type StoredState, sqliteStoredState } from './stored-state.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

/** The two ways the service runs; the end-to-end suites run once on each. */
export type Setup = 'shared' | 'embedded';
export const SETUPS: readonly Setup[] = ['shared', 'embedded'];
export const SETUP_TITLES: Readonly<Record<Setup, string>> = {
  shared: 'FerretDB and Redis',
  embedded: 'the embedded default (SQLite and in-process)',
};

export interface TestServer {
  setup: Setup;
  config: Config;
  app: App;
  grpc: RunningGrpcServer;
  address: string;
  /** The typed client a service author would use. */
  api: ClientAuthPromiseClient;
  /** The stored state, read around the service, on either set-up. */
  store: StoredState;
  /** Direct access to MongoDB; the 'shared' set-up only (throws on 'embedded'). */
  db: Db;
  /** Direct access to Redis; the 'shared' set-up only (throws on 'embedded'). */
  redis: Redis;
  /** Lines the service logged, as JSON strings. */
  logs: string[];
  close(): Promise<void>;
}

let suiteCounter = 0;

/** A database name and Redis names no other suite in this run shares. */
export function uniqueNames(label: string): Record<string, string> {
  const tag = `${label}_${process.pid}_${++suiteCounter}_${Date.now().toString(36)}`;
  return {
    DB_NAME: tag,
    DELETION_CHANNEL: `deletion-${tag}`,
    DELETION_STREAM: `deletion-stream-${tag}`,
    CLIENT_EVENTS_CHANNEL: `client-events-${tag}`,
    AUDIT_STREAM: `audit-${tag}`,
  };
}

/** A Logger that records every line, so tests can assert what reached the logs. */
export function recordingLogger(lines: string[]): Logger {
  const write = (level: string) => (fields: object, message: string) => {
    lines.push(JSON.stringify({ level, ...fields, msg: message }));
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * Per-source limits high enough that suites registering and logging in many clients from
 * 127.0.0.1 never meet them; the suites about the limits set their own.
 */
export const GENEROUS_SOURCE_LIMITS: Readonly<Record<string, string>> = {
  REGISTER_IP_MAX: '1000000',
  LOGIN_IP_MAX_FAILURES: '1000000',
  SERVICE_TOKEN_IP_MAX_FAILURES: '1000000',
  PASSWORD_ESTIMATE_IP_MAX: '1000000',
};

/**
 * The suites call the gRPC port from loopback as a gateway does, naming each call's client
 * IP (`clientIp`), so they are listed as a trusted proxy, as an operator lists theirs. A
 * suite about who is believed sets TRUSTED_PROXY_CIDRS itself ('' for the default: nobody).
 */
export const SUITE_AS_PROXY: Readonly<Record<string, string>> = { TRUSTED_PROXY_CIDRS: '127.0.0.0/8,::1/128' };

export function testEnv(services: { mongoUri: string; redisUrl: string }, label: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    MONGODB_URI: services.mongoUri,
    REDIS_URL: services.redisUrl,
    JWT_SECRET_KEY: TEST_SECRET,
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    STARTUP_TIMEOUT_MS: '10000',
    ...GENEROUS_SOURCE_LIMITS,
    ...SUITE_AS_PROXY,
    ...uniqueNames(label),
    ...env,
  };
}

const dataDirs: string[] = [];

/** A new, empty DATA_DIR, removed when the test process exits. */
export function freshDataDir(): string {
  if (dataDirs.length === 0) {
    process.once('exit', () => {
      for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-auth-data-'));
  dataDirs.push(dir);
  return dir;
}

/** The embedded set-up: no MongoDB or Redis, a fresh DATA_DIR, and TEST_SECRET so tests can check signatures. */
export function embeddedEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: freshDataDir(),
    JWT_SECRET_KEY: TEST_SECRET,
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    ...GENEROUS_SOURCE_LIMITS,
    ...SUITE_AS_PROXY,
    ...env,
  };
}

/**
 * The environment of a test server on `setup`. Call from a `before` hook with its `this`:
 * on 'shared' the suite is skipped (or fails in CI) when FerretDB and Redis are missing.
 */
export function setupEnv(setup: Setup, ctx: Mocha.Context, label: string, env: Record<string, string> = {}): Record<string, string> {
  return setup === 'shared' ? testEnv(requireServices(ctx), label, env) : embeddedEnv(env);
}

export async function startTestServer(env: Record<string, string>): Promise<TestServer> {
  const config = loadConfig(env);
  const logs: string[] = [];
  const log = recordingLogger(logs);
  const app = await buildApp(config, log);
  const grpc = await startGrpcServer(
    app.useCases,
    { host: '127.0.0.1', port: 0 },
    {
      log,
      maxMessageBytes: config.grpc.maxMessageBytes,
      streams: config.streams,
      trustedProxies: config.abuse.trustedProxies,
    },
  );
  const address = `127.0.0.1:${grpc.port}`;
  const api = createClientAuthClient(address);
  const shutdown = async () => {
    api.close();
    await grpc.shutdown(2000);
    await app.close();
  };
  const stores = config.stores;
  if (stores.kind === 'embedded') {
    const clients = app.adapters.clients;
    const store = sqliteStoredState(stores.dataDir, (id) => {
      if (clients instanceof MemoryCachedClientStore) clients.forget(id);
    });
    const sharedOnly = (what: string) => {
      throw new Error(`server.${what} exists on the 'shared' set-up only; use server.store`);
    };
    return {
      setup: 'embedded',
      config,
      app,
      grpc,
      address,
      api,
      store,
      get db(): Db {
        return sharedOnly('db');
      },
      get redis(): Redis {
        return sharedOnly('redis');
      },
      logs,
      close: async () => {
        await shutdown();
        await store.close();
      },
    };
  }
  const mongo = new MongoClient(stores.mongo.uri);
  await mongo.connect();
  const redis = inspectionRedis(stores.redis);
  const db = mongo.db(stores.mongo.dbName);
  return {
    setup: 'shared',
    config,
    app,
    grpc,
    address,
    api,
    store: mongoStoredState(db, (clientId) => redis.publish(CLIENT_CHANGES_CHANNEL, clientId)),
    db,
    redis,
    logs,
    close: async () => {
      await shutdown();
      await mongo.close();
      redis.disconnect();
    },
  };
}

/** DATA_DIR of an embedded server's configuration. */
export function dataDirOf(config: Config): string {
  if (config.stores.kind !== 'embedded') throw new Error('the configuration is not the embedded set-up');
  return config.stores.dataDir;
}

/** DB_NAME of a shared server's configuration, to start a second instance on the same data. */
export function dbNameOf(config: Config): string {
  if (config.stores.kind !== 'shared') throw new Error('the configuration is not the shared set-up');
  return config.stores.mongo.dbName;
}

/** What a failed call looked like to its caller: code, reason, field, message. */
export interface CallFailure {
  code: number;
  reason: string;
  field: string;
  message: string;
}

/** Runs a call that must fail and returns how it failed; throws if it succeeded. */
export async function failure(promise: Promise<unknown>): Promise<CallFailure> {
  try {
    await promise;
  } catch (error) {
    const serviceError = error as ServiceError;
    const detail = errorDetailOf(serviceError);
    return { code: serviceError.code, reason: detail?.reason ?? '', field: detail?.field ?? '', message: serviceError.details };
  }
  throw new Error('the call succeeded but was expected to fail');
}

/** A plain connection for the suites to read what the service stored in Redis. */
function inspectionRedis(config: RedisConfig): Redis {
  switch (config.kind) {
    case 'standalone':
      return new Redis(config.url);
    case 'sentinel': {
      const redis = new Redis({
        sentinels: [...config.sentinels],
        name: config.name,
        ...(config.password === null ? {} : { password: config.password }),
        ...(config.sentinelPassword === null ? {} : { sentinelPassword: config.sentinelPassword }),
      });
      // A failover test kills the master under it; its reconnection is expected, not news.
      redis.on('error', () => undefined);
      return redis;
    }
    case 'cluster':
      throw new Error('the test server does not run on a Redis Cluster; the contract suites cover it');
  }
}
