/** The MongoDB and Redis adapters of the shared set-up, connected, and what every set-up's adapters offer the composition. */
import type { MongoClient } from 'mongodb';
import { loadSharedAdapters } from '../adapters/load-adapters.js';
import type { RedisClient } from '../adapters/redis/topology.js';
import type { Config, StoresConfig } from '../config/index.js';
import type { AttemptLimiterFactory } from '../domain/abuse/ports.js';
import type { AuditLog, AuditStream } from '../domain/audit/ports.js';
import type { ClientStore, EventBus, Outbox } from '../domain/clients/ports.js';
import type { Logger } from '../domain/kernel/logger.js';
import type { MailOutbox, OneTimeTokenStore } from '../domain/recovery/ports.js';
import type { RevocationFeed, RevocationList } from '../domain/revocation/ports.js';
import type { SecondFactorStore } from '../domain/second-factor/ports.js';
import type { SessionStore } from '../domain/sessions/ports.js';
import type { SigningKeyStore } from '../domain/signing-keys/ports.js';

type SharedStores = Extract<StoresConfig, { kind: 'shared' }>;

/** A watcher away for longer than the longest token lives (and at least 15 minutes) resumes from a snapshot. */
export function feedRetentionMs(config: Config): number {
  return Math.max(config.jwt.accessTokenTtlSeconds, config.jwt.serviceTokenTtlSeconds, 15 * 60) * 1000;
}

/** The adapters behind the ports, and how to release them. */
export interface Adapters {
  clients: ClientStore;
  sessions: SessionStore;
  outbox: Outbox;
  revocations: RevocationList;
  events: EventBus;
  /** The attempt limiters (rate-limiter-flexible on Redis, or in process). */
  limiters: AttemptLimiterFactory;
  auditLog: AuditLog;
  /** Null where no stream is configured (the embedded set-up). */
  auditStream: AuditStream | null;
  signingKeys: SigningKeyStore;
  revocationFeed: RevocationFeed;
  secondFactors: SecondFactorStore;
  oneTimeTokens: OneTimeTokenStore;
  mailOutbox: MailOutbox;
  description: string;
  /** Whether each store is reachable now, for metrics. */
  storesUp(): Promise<Partial<Record<'mongodb' | 'redis' | 'sqlite', boolean>>>;
  close(): Promise<void>;
}

export async function connectAdapters(config: Config, stores: SharedStores, log: Logger): Promise<Adapters> {
  const {
    connectMongo,
    MongoClientStore,
    MongoSessionStore,
    MongoOutbox,
    MongoMailOutbox,
    MongoOneTimeTokenStore,
    MongoSecondFactorStore,
    MongoAuditLog,
    connectRedis,
    DEFAULT_KEYS,
    RedisRevocationList,
    RedisEventBus,
    redisAttemptLimiters,
    RedisAuditStream,
    MongoSigningKeyStore,
    DEFAULT_FEED_KEY,
    RedisRevocationFeed,
    CachedClientStore,
  } = await loadSharedAdapters();
  const timeout = config.startupTimeoutMs;
  let mongo: MongoClient | null = null;
  const redisConnections: RedisClient[] = [];
  try {
    const connected = await connectMongo(stores.mongo.uri, stores.mongo.dbName, timeout, log);
    mongo = connected.client;
    const clients = new MongoClientStore(connected.db);
    const sessions = new MongoSessionStore(connected.db);
    const outbox = new MongoOutbox(connected.db);
    const signingKeys = new MongoSigningKeyStore(connected.db);
    const secondFactors = new MongoSecondFactorStore(connected.db);
    const oneTimeTokens = new MongoOneTimeTokenStore(connected.db);
    const mailOutbox = new MongoMailOutbox(connected.db);
    await clients.ensureIndexes();
    await clients.fillEmailSkeletons(log);
    await signingKeys.ensureIndexes();
    await secondFactors.ensureIndexes();
    await sessions.ensureIndexes();
    await outbox.ensureIndexes();
    const auditLog = new MongoAuditLog(connected.db);
    await auditLog.ensureIndexes();
    await oneTimeTokens.ensureIndexes();
    await mailOutbox.ensureIndexes();

    const redis = await connectRedis(stores.redis, timeout, log, 'commands');
    redisConnections.push(redis);
    const subscriber = await connectRedis(stores.redis, timeout, log, 'subscriber', { subscriber: true });
    redisConnections.push(subscriber);
    const revocations = await RedisRevocationList.start(redis, subscriber, { ...DEFAULT_KEYS, clientKeyPrefix: config.revocationKeyPrefix }, log);
    const cachedClients = config.clientCache.maxEntries > 0 ? await CachedClientStore.start(clients, redis, subscriber, config.clientCache, log) : null;
    const events = new RedisEventBus(
      redis,
      {
        deletionChannels: config.deletionChannels,
        deletionStream: config.deletionStream,
        clientEventsChannel: config.clientEventsChannel,
      },
      { replicas: stores.redis.replicaAcks, timeoutMs: stores.redis.replicaAckTimeoutMs },
    );
    const feedReader = await connectRedis(stores.redis, timeout, log, 'revocation feed');
    redisConnections.push(feedReader);
    const revocationFeed = await RedisRevocationFeed.start(redis, feedReader, {
      key: DEFAULT_FEED_KEY,
      retentionMs: feedRetentionMs(config),
      epochs: revocations.epochs,
      log,
    });
    const mongoClient = mongo;
    return {
      clients: cachedClients ?? clients,
      sessions,
      outbox,
      revocations,
      events,
      limiters: redisAttemptLimiters(redis, log),
      auditLog,
      auditStream: new RedisAuditStream(redis, config.audit.stream, config.audit.retentionDays * 24 * 3600 * 1000),
      signingKeys,
      revocationFeed,
      secondFactors,
      oneTimeTokens,
      mailOutbox,
      description: 'MongoDB + Redis (shared: any number of instances)',
      storesUp: async () => ({
        mongodb: await connected.db.command({ ping: 1 }).then(
          () => true,
          () => false,
        ),
        redis: redis.status === 'ready' && subscriber.status === 'ready',
      }),
      close: async () => {
        await revocationFeed.close();
        await revocations.close();
        cachedClients?.close();
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
