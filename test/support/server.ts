/** Starts the real service (FerretDB + Redis adapters, gRPC on localhost:0) and a generated client for a test suite. */
import type { ServiceError } from '@grpc/grpc-js';
import { MongoClient, type Db } from 'mongodb';
import { Redis } from 'ioredis';
import { buildApp, type App } from '../../src/app';
import { createClientAuthClient, type ClientAuthPromiseClient } from '../../src/client';
import { loadConfig, type Config } from '../../src/config';
import type { Logger } from '../../src/domain/logger';
import { startGrpcServer, type RunningGrpcServer } from '../../src/grpc/server';
import { errorDetailOf } from '../../src/grpc/status-mapping';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

export interface TestServer {
  config: Config;
  app: App;
  grpc: RunningGrpcServer;
  address: string;
  /** The typed client a service author would use. */
  api: ClientAuthPromiseClient;
  /** Direct access to the stored state, for assertions. */
  db: Db;
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
  };
}

/** A Logger that records every line, so tests can assert what reached the logs. */
export function recordingLogger(lines: string[]): Logger {
  const write = (level: string) => (fields: object, message: string) => {
    lines.push(JSON.stringify({ level, ...fields, msg: message }));
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

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
    ...uniqueNames(label),
    ...env,
  };
}

export async function startTestServer(env: Record<string, string>): Promise<TestServer> {
  const config = loadConfig(env);
  const logs: string[] = [];
  const log = recordingLogger(logs);
  const app = await buildApp(config, log);
  const grpc = await startGrpcServer(app.service, { host: '127.0.0.1', port: 0 }, { log, maxMessageBytes: config.grpc.maxMessageBytes });
  const address = `127.0.0.1:${grpc.port}`;
  const api = createClientAuthClient(address);
  const mongo = new MongoClient(config.mongo!.uri);
  await mongo.connect();
  const redis = new Redis(config.redis!.url);
  return {
    config,
    app,
    grpc,
    address,
    api,
    db: mongo.db(config.mongo!.dbName),
    redis,
    logs,
    close: async () => {
      api.close();
      await grpc.shutdown(2000);
      await app.close();
      await mongo.close();
      redis.disconnect();
    },
  };
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
