import type { MongoClient } from 'mongodb';
import { requestLimiterOn } from '../adapters/attempt-request-limiter.js';
import { BcryptPasswordHasher } from '../adapters/crypto/bcrypt-password-hasher.js';
import { JwtTokenIssuer } from '../adapters/crypto/jwt-token-issuer.js';
import { JwtOriginalTokenDecoder } from '../adapters/crypto/original-token-decoder.js';
import { OtpauthTotpCodes } from '../adapters/crypto/otpauth-totp-codes.js';
import { AesGcmSecretSealer } from '../adapters/crypto/secret-sealer.js';
import { SimpleWebAuthnCeremonies } from '../adapters/crypto/simplewebauthn-ceremonies.js';
import { loadEmbeddedAdapters, loadSharedAdapters } from '../adapters/load-adapters.js';
import { commonPasswordList } from '../adapters/password-lists/common-password-file.js';
import type { RedisClient } from '../adapters/redis/topology.js';
import type { Config, StoresConfig } from '../config/index.js';
import { AttemptLimitRules } from '../domain/abuse/attempt-limits.js';
import { HashingQueue, QueuedPasswordHasher } from '../domain/abuse/hashing-queue.js';
import { CommonPasswordBlocklist } from '../domain/abuse/password-blocklist.js';
import type { AttemptLimiterFactory } from '../domain/abuse/ports.js';
import type { AuditLog, AuditStream } from '../domain/audit/ports.js';
import { Audit } from '../domain/audit/recorder.js';
import { OutboxRelay } from '../domain/clients/outbox-relay.js';
import type { ClientStore, EventBus, Outbox } from '../domain/clients/ports.js';
import type { Logger } from '../domain/kernel/logger.js';
import { OutageLog } from '../domain/kernel/outage-log.js';
import type { MailOutbox, OneTimeTokenStore } from '../domain/recovery/ports.js';
import { FeedingRevocationList } from '../domain/revocation/feed.js';
import type { RevocationFeed, RevocationList } from '../domain/revocation/ports.js';
import { rebuildRevocations } from '../domain/revocation/rebuild.js';
import type { SecondFactorStore } from '../domain/second-factor/ports.js';
import { LegacyTokens } from '../domain/sessions/legacy-tokens.js';
import type { SessionStore } from '../domain/sessions/ports.js';
import type { SigningKeySet, SigningKeyStore } from '../domain/signing-keys/ports.js';
import { type WiredRecovery, wireRecovery } from './recovery-wiring.js';
import { openSigningKeys, secondFactorSealingKey } from './signing-key-setup.js';
import { createUseCases, type UseCases } from './use-cases.js';

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

/** A wired service: the use cases with their adapters and relay running. */
export interface App {
  useCases: UseCases;
  /** The original service's tokens, while LEGACY_TOKENS_UNTIL is set; null otherwise. */
  legacyTokens: LegacyTokens | null;
  adapters: Adapters;
  relay: OutboxRelay;
  audit: Audit;
  /** The mail relay and its transport. */
  mail: WiredRecovery;
  close(): Promise<void>;
}

type SharedStores = Extract<StoresConfig, { kind: 'shared' }>;

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

let blocklist: CommonPasswordBlocklist | null = null;

/** Built once per process, on the first password it checks: the list is large and never changes. */
function sharedBlocklist(): CommonPasswordBlocklist {
  blocklist ??= new CommonPasswordBlocklist(() => commonPasswordList());
  return blocklist;
}

/** A watcher away for longer than the longest token lives (and at least 15 minutes) resumes from a snapshot. */
function feedRetentionMs(config: Config): number {
  return Math.max(config.jwt.accessTokenTtlSeconds, config.jwt.serviceTokenTtlSeconds, 15 * 60) * 1000;
}

/**
 * Connects the adapters (MongoDB and Redis, waiting for them, bounded; or the embedded set
 * when neither is configured), builds the service and starts its relay.
 */
export async function buildApp(config: Config, log: Logger): Promise<App> {
  const stores = config.stores;
  const embedded = stores.kind === 'embedded' ? await loadEmbeddedAdapters() : null;
  const adapters =
    stores.kind === 'embedded'
      ? embedded!.openEmbeddedAdapters(stores, log, { feedRetentionMs: feedRetentionMs(config) })
      : await connectAdapters(config, stores, log);
  let keys: SigningKeySet | null = null;
  let mail: WiredRecovery | null = null;
  try {
    keys = await openSigningKeys(config, adapters.signingKeys, log);
    const recoveryLimiter = requestLimiterOn(
      adapters.limiters('recovery-requests', { points: Number.MAX_SAFE_INTEGER, durationSeconds: config.recovery.requestLimit.windowSeconds }),
    );
    mail = wireRecovery(config, { ...adapters, recoveryLimiter }, log);
    const lifetimes = {
      accessToken: config.jwt.accessTokenTtlSeconds,
      serviceToken: config.jwt.serviceTokenTtlSeconds,
      refreshToken: config.jwt.refreshTokenTtlSeconds,
      retiredRefreshToken: config.jwt.refreshReuseIntervalSeconds,
    };
    const longestTokenMs = Math.max(lifetimes.accessToken, lifetimes.serviceToken) * 1000;
    // Every change of the revocation list, whichever use case makes it, also goes to the watchers' feed.
    const revocations = new FeedingRevocationList(adapters.revocations, adapters.revocationFeed, log);
    const audit = new Audit({
      store: adapters.auditLog,
      stream: adapters.auditStream,
      log,
      retentionDays: config.audit.retentionDays,
      queueMax: config.audit.queueMax,
    });
    const relay = new OutboxRelay(adapters.outbox, revocations, adapters.events, longestTokenMs, log);
    const legacyTokens =
      config.legacyTokensUntil === null || config.legacyTokenSecret === null
        ? null
        : new LegacyTokens(config.legacyTokensUntil, new JwtOriginalTokenDecoder(config.legacyTokenSecret), adapters.clients, log);
    const useCases = createUseCases({
      clients: adapters.clients,
      sessions: adapters.sessions,
      outbox: adapters.outbox,
      revocations,
      limits: new AttemptLimitRules(config.abuse.limits, adapters.limiters),
      blocklist: sharedBlocklist(),
      relay,
      hasher: new QueuedPasswordHasher(new BcryptPasswordHasher(config.bcryptCost), new HashingQueue(config.abuse.hashing)),
      tokens: new JwtTokenIssuer(
        {
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
          clockSkewSeconds: config.jwt.clockSkewSeconds,
          maxLifetimeSeconds: { user: lifetimes.accessToken, service: lifetimes.serviceToken },
        },
        keys,
      ),
      keys,
      revocationFeed: adapters.revocationFeed,
      watchHeartbeatMs: config.watchHeartbeatSeconds * 1000,
      lifetimes,
      log,
      audit,
      auditLog: adapters.auditLog,
      legacyTokens,
      secondFactors: adapters.secondFactors,
      sealer: new AesGcmSecretSealer(secondFactorSealingKey(config, log)),
      totpCodes: new OtpauthTotpCodes(),
      webauthn: new SimpleWebAuthnCeremonies(),
      secondFactorSettings: config.secondFactor,
      recovery: mail.recovery,
    });
    if (config.admin) {
      const admin = await useCases.adminBootstrap.ensureAdmin(config.admin.email, config.admin.password);
      log.info({ adminId: admin.id }, 'admin from ADMIN_EMAIL is ready');
    }
    const finished = await useCases.deletion.finishPendingDeletions();
    if (finished > 0) log.info({ finished }, 'interrupted deletions finished');
    // The stores are the truth: fill the revocation list from them now, and again whenever
    // it is lost (a Redis restarted empty), failing closed meanwhile.
    await adapters.revocations.refillWith(async () => {
      const rebuilt = await rebuildRevocations({ ...adapters, listedMs: longestTokenMs });
      log.info(rebuilt, 'revocation list rebuilt from the stores');
    });
    // Every relay pass first finishes deletions a crash interrupted, so their requests go out too.
    relay.start(config.outboxRelayIntervalMs, () => useCases.deletion.finishPendingDeletions());
    mail.mailer.start(config.outboxRelayIntervalMs);
    void mail.mailer.flush();
    const sweepLog = new OutageLog(log, 'sweep of expired sessions, one-time tokens and second-factor claims');
    const sweeper = setInterval(
      () =>
        void sweepLog.run(async () => {
          await adapters.sessions.sweepExpired(new Date());
          await adapters.oneTimeTokens.sweepExpired(new Date());
          await adapters.secondFactors.sweepClaims(new Date());
        }),
      SWEEP_INTERVAL_MS,
    );
    sweeper.unref();
    audit.startSweeping(SWEEP_INTERVAL_MS);
    log.info({ algorithm: config.signing.algorithm }, `client-auth is wired on ${adapters.description}`);
    log.info({}, `mail (password reset, email verification) goes to ${mail.transport.description}`);
    const signingKeys = keys;
    const wiredMail = mail;
    return {
      useCases,
      legacyTokens,
      adapters,
      relay,
      audit,
      mail: wiredMail,
      close: async () => {
        clearInterval(sweeper);
        await relay.stop();
        await useCases.passwordReset.settle();
        await audit.close();
        await wiredMail.close();
        await signingKeys.close();
        await adapters.close();
      },
    };
  } catch (error) {
    await keys?.close();
    await mail?.close();
    await adapters.close();
    throw error;
  }
}

async function connectAdapters(config: Config, stores: SharedStores, log: Logger): Promise<Adapters> {
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
    const revocationFeed = await RedisRevocationFeed.start(redis, feedReader, { key: DEFAULT_FEED_KEY, retentionMs: feedRetentionMs(config), log });
    const mongoClient = mongo;
    return {
      clients,
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
