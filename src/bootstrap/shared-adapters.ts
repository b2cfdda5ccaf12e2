/** The MongoDB and Redis adapters of the shared set-up, connected, and what every set-up's adapters offer the composition. */
import type { MongoClient } from 'mongodb';
import { loadSharedAdapters } from '../adapters/load-adapters.js';
import type { RedisClient } from '../adapters/redis/topology.js';
import type { Config, StoresConfig } from '../config/index.js';
import type { AttemptLimiterFactory } from '../domain/abuse/ports.js';
import type { AuditLog, AuditStream } from '../domain/audit/ports.js';
import type { ClientStore, EventBus, Outbox } from '../domain/clients/ports.js';
import type { Logger } from '../domain/kernel/logger.js';
import type { OidcStore } from '../domain/oidc/ports.js';
import type { OverviewCounts } from '../domain/overview/ports.js';
import type { MailOutbox, OneTimeTokenStore } from '../domain/recovery/ports.js';
import type { RevocationFeed, RevocationList, RevokedTokenStore } from '../domain/revocation/ports.js';
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
  /** Access tokens revoked one by one, which the revocation list is refilled from. */
  revokedTokens: RevokedTokenStore;
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
  /** The OpenID Provider's records. */
  oidc: OidcStore;
  /** The admin Overview's counts. */
  overviewCounts: OverviewCounts;
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
    closeRedis,
    DEFAULT_KEYS,
    RedisRevocationList,
    RedisEventBus,
    redisAttemptLimiters,
    RedisAuditStream,
    MongoSigningKeyStore,
    DEFAULT_FEED_KEY,
    RedisRevocationFeed,
    CachedClientStore,
    MongoOidcStore,
    MongoOverviewCounts,
    MongoRevokedTokenStore,
  } = await loadSharedAdapters();
  const timeout = config.startupTimeoutMs;
  let mongo: MongoClient | null = null;
  const redisConnections: RedisClient[] = [];
  const started: Array<{ close(): unknown }> = [];
  /** Opens a Redis connection that start-up's failure path will close, whichever side failed. */
  const openRedis = async (role: string, options?: { subscriber?: boolean }) => {
    const connection = await connectRedis(stores.redis, timeout, log, role, options);
    redisConnections.push(connection);
    return connection;
  };
  // MongoDB and Redis are made ready side by side, and each side's independent steps at once:
  // start-up waits for the slower side, not for their sum. Nothing is served before both are
  // ready, the revocation list loaded first (fail closed).
  const openMongo = async () => {
    const connected = await connectMongo(stores.mongo, timeout, log);
    mongo = connected.client;
    const db = connected.db;
    const mongoStores = {
      db,
      clients: new MongoClientStore(db),
      sessions: new MongoSessionStore(db),
      outbox: new MongoOutbox(db),
      signingKeys: new MongoSigningKeyStore(db),
      secondFactors: new MongoSecondFactorStore(db),
      oneTimeTokens: new MongoOneTimeTokenStore(db),
      mailOutbox: new MongoMailOutbox(db),
      auditLog: new MongoAuditLog(db),
      oidc: new MongoOidcStore(db),
      overviewCounts: new MongoOverviewCounts(db),
      revokedTokens: new MongoRevokedTokenStore(db),
    };
    const { clients, sessions, outbox, signingKeys, secondFactors, oneTimeTokens, mailOutbox, auditLog, oidc, revokedTokens } = mongoStores;
    await settleAll([
      clients.ensureIndexes().then(() => clients.fillEmailSkeletons(log)),
      signingKeys.ensureIndexes(),
      secondFactors.ensureIndexes(),
      sessions.ensureIndexes(),
      outbox.ensureIndexes(),
      auditLog.ensureIndexes(),
      oneTimeTokens.ensureIndexes(),
      mailOutbox.ensureIndexes(),
      oidc.ensureIndexes(),
      revokedTokens.ensureIndexes(),
    ]);
    return { ...mongoStores, client: connected.client };
  };
  const openRedisSide = async () => {
    const [redis, subscriber, feedReader] = await settleAll([
      openRedis('commands'),
      openRedis('subscriber', { subscriber: true }),
      openRedis('revocation feed'),
    ]);
    const revocations = await RedisRevocationList.start(redis, subscriber, { ...DEFAULT_KEYS, clientKeyPrefix: config.revocationKeyPrefix }, log);
    started.push(revocations);
    // The feed's cursors name the list's epochs: it starts once the list has.
    const revocationFeed = await RedisRevocationFeed.start(redis, feedReader, {
      key: DEFAULT_FEED_KEY,
      retentionMs: feedRetentionMs(config),
      epochs: revocations.epochs,
      log,
    });
    started.push(revocationFeed);
    return { redis, subscriber, revocations, revocationFeed };
  };
  try {
    const [mongoSide, redisSide] = await settleAll([openMongo(), openRedisSide()]);
    const { clients, sessions, outbox, signingKeys, secondFactors, oneTimeTokens, mailOutbox, auditLog, oidc, overviewCounts, revokedTokens } = mongoSide;
    const { redis, subscriber, revocations, revocationFeed } = redisSide;
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
    const mongoClient = mongoSide.client;
    return {
      clients: cachedClients ?? clients,
      sessions,
      outbox,
      revocations,
      revokedTokens,
      events,
      limiters: redisAttemptLimiters(redis, log),
      auditLog,
      auditStream: new RedisAuditStream(redis, config.audit.stream, config.audit.retentionDays * 24 * 3600 * 1000),
      signingKeys,
      revocationFeed,
      secondFactors,
      oneTimeTokens,
      mailOutbox,
      oidc,
      overviewCounts,
      description: 'MongoDB + Redis (shared: any number of instances)',
      storesUp: async () => ({
        mongodb: await mongoSide.db.command({ ping: 1 }).then(
          () => true,
          () => false,
        ),
        redis: redis.status === 'ready' && subscriber.status === 'ready',
      }),
      close: async () => {
        await revocationFeed.close();
        await revocations.close();
        cachedClients?.close();
        for (const connection of redisConnections) closeRedis(connection);
        await mongoClient.close();
      },
    };
  } catch (error) {
    for (const part of started) await part.close();
    for (const connection of redisConnections) closeRedis(connection);
    await (mongo as MongoClient | null)?.close();
    throw error;
  }
}

/**
 * Like `Promise.all`, but waits for every step to settle before it rejects, so that a step
 * still under way when another fails cannot open a connection after the failure path has
 * closed those it knew of.
 */
async function settleAll<T extends readonly unknown[]>(steps: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((step): step is PromiseRejectedResult => step.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((step) => (step as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
