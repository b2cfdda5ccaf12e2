import type { MongoClient } from 'mongodb';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import { ClientAuthService } from './domain/client-auth-service';
import type { Logger } from './domain/logger';
import { OutboxRelay } from './domain/outbox-relay';
import { PasswordHasher } from './domain/password-hasher';
import type { ClientStore, EventBus, LoginThrottle, Outbox, RevocationList, SessionStore } from './domain/ports';
import { TokenIssuer } from './domain/token-issuer';
import { LegacyTokens } from './domain/legacy-tokens';
import { connectMongo } from './adapters/mongo/connect';
import { MongoClientStore } from './adapters/mongo/client-store';
import { MongoSessionStore } from './adapters/mongo/session-store';
import { MongoOutbox } from './adapters/mongo/outbox';
import { connectRedis } from './adapters/redis/connect';
import { DEFAULT_KEYS, RedisRevocationList } from './adapters/redis/revocation-list';
import { RedisEventBus } from './adapters/redis/event-bus';
import { RedisLoginThrottle } from './adapters/redis/login-throttle';
import { developmentSecret } from './adapters/embedded/development-secret';
import { openEmbeddedAdapters } from './adapters/embedded/embedded-adapters';

/** The adapters behind the ports, and how to release them. */
export interface Adapters {
  clients: ClientStore;
  sessions: SessionStore;
  outbox: Outbox;
  revocations: RevocationList;
  events: EventBus;
  loginThrottle: LoginThrottle;
  description: string;
  /** Whether each store is reachable now, for metrics. */
  storesUp(): Promise<Partial<Record<'mongodb' | 'redis' | 'sqlite', boolean>>>;
  close(): Promise<void>;
}

/** A wired service: the domain with its adapters and relay running. */
export interface App {
  service: ClientAuthService;
  /** The original service's tokens, while LEGACY_TOKENS_UNTIL is set; null otherwise. */
  legacyTokens: LegacyTokens | null;
  adapters: Adapters;
  relay: OutboxRelay;
  close(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Connects the adapters (MongoDB and Redis, waiting for them, bounded; or the embedded set
 * when neither is configured), builds the service and starts its relay.
 */
export async function buildApp(config: Config, log: Logger): Promise<App> {
  const embedded = config.mongo === null && config.redis === null;
  // loadConfig allows a missing secret only in the embedded set-up outside production.
  const secret = config.jwt.secret ?? (embedded ? developmentSecret(config.dataDir, log) : null);
  if (secret === null) throw new Error('JWT_SECRET_KEY is not set');
  const adapters = embedded
    ? openEmbeddedAdapters(config.dataDir, log, { loginFailureWindowMs: config.loginThrottle.windowSeconds * 1000 })
    : await connectAdapters(config, log);
  try {
    const lifetimes = {
      accessToken: config.jwt.accessTokenTtlSeconds,
      serviceToken: config.jwt.serviceTokenTtlSeconds,
      refreshToken: config.jwt.refreshTokenTtlSeconds,
    };
    const longestTokenMs = Math.max(lifetimes.accessToken, lifetimes.serviceToken) * 1000;
    const relay = new OutboxRelay(adapters.outbox, adapters.revocations, adapters.events, longestTokenMs, log);
    const legacyTokens = config.legacyTokensUntil === null ? null : new LegacyTokens({ secret, until: config.legacyTokensUntil }, adapters.clients, log);
    const service = new ClientAuthService({
      clients: adapters.clients,
      sessions: adapters.sessions,
      outbox: adapters.outbox,
      revocations: adapters.revocations,
      loginThrottle: adapters.loginThrottle,
      loginLimit: config.loginThrottle,
      relay,
      hasher: new PasswordHasher(config.bcryptCost),
      tokens: new TokenIssuer({ secret, issuer: config.jwt.issuer, audience: config.jwt.audience }),
      lifetimes,
      log,
      legacyTokens,
    });
    if (config.admin) {
      const admin = await service.ensureAdmin(config.admin.email, config.admin.password);
      log.info({ adminId: admin.id }, 'admin from ADMIN_EMAIL is ready');
    }
    const restored = await service.restoreSuspensions();
    if (restored > 0) log.info({ restored }, 'suspended clients restored to the revocation list');
    relay.start(config.outboxRelayIntervalMs);
    const sweeper = setInterval(() => {
      adapters.sessions.sweepExpired(new Date()).catch(() => {});
    }, SWEEP_INTERVAL_MS);
    sweeper.unref();
    log.info({}, `client-auth is wired on ${adapters.description}`);
    return {
      service,
      legacyTokens,
      adapters,
      relay,
      close: async () => {
        clearInterval(sweeper);
        await relay.stop();
        await adapters.close();
      },
    };
  } catch (error) {
    await adapters.close();
    throw error;
  }
}

async function connectAdapters(config: Config, log: Logger): Promise<Adapters> {
  if (config.mongo === null || config.redis === null) {
    throw new Error(
      'MongoDB and Redis must both be configured (MONGODB_URI or DB_HOST, REDIS_URL or REDIS_HOST), or neither for the embedded set-up',
    );
  }
  const timeout = config.startupTimeoutMs;
  let mongo: MongoClient | null = null;
  const redisConnections: Redis[] = [];
  try {
    const connected = await connectMongo(config.mongo.uri, config.mongo.dbName, timeout, log);
    mongo = connected.client;
    const clients = new MongoClientStore(connected.db);
    const sessions = new MongoSessionStore(connected.db);
    const outbox = new MongoOutbox(connected.db);
    await clients.ensureIndexes();
    await sessions.ensureIndexes();
    await outbox.ensureIndexes();

    const redis = await connectRedis(config.redis.url, timeout, log, 'commands');
    redisConnections.push(redis);
    const subscriber = await connectRedis(config.redis.url, timeout, log, 'subscriber');
    redisConnections.push(subscriber);
    const revocations = await RedisRevocationList.start(redis, subscriber, { ...DEFAULT_KEYS, clientKeyPrefix: config.revocationKeyPrefix }, log);
    const events = new RedisEventBus(redis, {
      deletionChannel: config.deletionChannel,
      deletionStream: config.deletionStream,
      clientEventsChannel: config.clientEventsChannel,
    });
    const loginThrottle = new RedisLoginThrottle(redis, { windowMs: config.loginThrottle.windowSeconds * 1000 });
    const mongoClient = mongo;
    return {
      clients,
      sessions,
      outbox,
      revocations,
      events,
      loginThrottle,
      description: 'MongoDB + Redis (shared: any number of instances)',
      storesUp: async () => ({
        mongodb: await connected.db.command({ ping: 1 }).then(() => true, () => false),
        redis: redis.status === 'ready' && subscriber.status === 'ready',
      }),
      close: async () => {
        await revocations.close();
        for (const connection of redisConnections) connection.disconnect();
        await mongoClient.close();
      },
    };
  } catch (error) {
    for (const connection of redisConnections) connection.disconnect();
    await mongo?.close();
    throw error;
  }
}
