import { hkdfSync } from 'node:crypto';
import { requestLimiterOn } from '../adapters/attempt-request-limiter.js';
import { passwordHasherFor } from '../adapters/crypto/configured-password-hasher.js';
import { JwtTokenIssuer } from '../adapters/crypto/jwt-token-issuer.js';
import { JwtOriginalTokenDecoder } from '../adapters/crypto/original-token-decoder.js';
import { OtpauthTotpCodes } from '../adapters/crypto/otpauth-totp-codes.js';
import { AesGcmSecretSealer, SEALING_PURPOSES } from '../adapters/crypto/secret-sealer.js';
import { SimpleWebAuthnCeremonies } from '../adapters/crypto/simplewebauthn-ceremonies.js';
import { loadEmbeddedAdapters } from '../adapters/load-adapters.js';
import { commonPasswordList } from '../adapters/password-lists/common-password-file.js';
import { ZxcvbnPasswordStrength } from '../adapters/password-lists/zxcvbn-strength.js';
import type { Config } from '../config/index.js';
import { AttemptLimitRules } from '../domain/abuse/attempt-limits.js';
import { HashingQueue } from '../domain/abuse/hashing-queue.js';
import { CommonPasswordBlocklist } from '../domain/abuse/password-blocklist.js';
import { MinimumStrength } from '../domain/abuse/password-strength.js';
import { QueuedPasswordHasher } from '../domain/abuse/queued-password-hasher.js';
import { Audit } from '../domain/audit/recorder.js';
import { OutboxRelay } from '../domain/clients/outbox-relay.js';
import type { Logger } from '../domain/kernel/logger.js';
import { OutageLog } from '../domain/kernel/outage-log.js';
import { FeedingRevocationList } from '../domain/revocation/feed.js';
import { rebuildRevocations } from '../domain/revocation/rebuild.js';
import { LegacyTokens } from '../domain/sessions/legacy-tokens.js';
import type { SigningKeySet } from '../domain/signing-keys/ports.js';
import { type WiredRecovery, wireRecovery } from './recovery-wiring.js';
import { type Adapters, connectAdapters, feedRetentionMs } from './shared-adapters.js';
import { openSigningKeys, secondFactorSealingKey } from './signing-key-setup.js';
import { createUseCases, type UseCases } from './use-cases.js';

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
  /** What the OpenID Provider beside the service reads directly (src/bootstrap/oidc-wiring.ts). */
  oidc: AppOidcParts;
  close(): Promise<void>;
}

/** The key set, the lifetimes and the secret the OpenID Provider is built from. */
export interface AppOidcParts {
  keys: SigningKeySet;
  tokens: { issuer: string; audience: string; userSeconds: number; serviceSeconds: number; refreshSeconds: number };
  /** Keys the provider's cookies, derived from the key that seals second factors; never used to seal anything. */
  cookieSecret: string;
}

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

let blocklist: CommonPasswordBlocklist | null = null;

/** Built once per process, on the first password it checks: the list is large and never changes. */
function sharedBlocklist(): CommonPasswordBlocklist {
  blocklist ??= new CommonPasswordBlocklist(() => commonPasswordList());
  return blocklist;
}

/**
 * The password hasher behind its bounded queue, which starts timing one hash at once, while
 * the stores connect: a flood that comes right after start is then measured against this
 * machine's hash, not an assumption.
 */
function queuedHasher(config: Config, log: Logger): QueuedPasswordHasher {
  const configured = passwordHasherFor({ ...config.passwordHashing, bcryptCost: config.bcryptCost });
  const hasher = new QueuedPasswordHasher(configured, new HashingQueue(config.abuse.hashing, configured.assumedHashMs));
  void hasher.calibrate().catch((error: unknown) => {
    log.warn({ err: String(error) }, 'timing a password hash at start-up failed; the hashing queue assumes the configured parameters until a login is hashed');
  });
  return hasher;
}

/**
 * Connects the adapters (MongoDB and Redis, waiting for them, bounded; or the embedded set
 * when neither is configured), builds the service and starts its relay.
 */
export async function buildApp(config: Config, log: Logger): Promise<App> {
  const stores = config.stores;
  const hasher = queuedHasher(config, log);
  const embedded = stores.kind === 'embedded' ? await loadEmbeddedAdapters() : null;
  const adapters =
    stores.kind === 'embedded'
      ? embedded!.openEmbeddedAdapters(stores, log, { feedRetentionMs: feedRetentionMs(config), clientCache: config.clientCache })
      : await connectAdapters(config, stores, log);
  let keys: SigningKeySet | null = null;
  let mail: WiredRecovery | null = null;
  try {
    // Counted before any key file is generated into DATA_DIR, so that none is generated over what the old one sealed.
    const sealed = 'sealedRecords' in adapters ? adapters.sealedRecords() : undefined;
    keys = await openSigningKeys(config, adapters.signingKeys, log, undefined, sealed);
    const recoveryLimiter = requestLimiterOn(
      adapters.limiters('recovery-requests', { points: Number.MAX_SAFE_INTEGER, durationSeconds: config.recovery.requestLimit.windowSeconds }),
    );
    // One key-encryption key seals second-factor secrets and queued mail, each under a key of its own.
    const sealingKey = secondFactorSealingKey(config, log, sealed);
    mail = wireRecovery(config, { ...adapters, recoveryLimiter }, log, { sealingKey });
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
      // The estimator loads at the first password it judges, never at start-up, and again
      // at the first after its thread was ended for being idle.
      strength: new MinimumStrength(new ZxcvbnPasswordStrength(config.strengthThread), config.passwordMinScore),
      relay,
      hasher,
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
      recentSignInSeconds: config.adminConsole.reauthSeconds,
      log,
      audit,
      auditLog: adapters.auditLog,
      legacyTokens,
      secondFactors: adapters.secondFactors,
      sealer: new AesGcmSecretSealer(sealingKey, SEALING_PURPOSES.secondFactors),
      totpCodes: new OtpauthTotpCodes(),
      webauthn: new SimpleWebAuthnCeremonies(),
      secondFactorSettings: config.secondFactor,
      recovery: mail.recovery,
      oidcRecords: adapters.oidc,
      revokedTokens: adapters.revokedTokens,
      overviewCounts: adapters.overviewCounts,
    });
    if (config.admin) {
      const admin = await useCases.adminBootstrap.ensureAdmin(config.admin.email, config.admin.password);
      log.info({ adminId: admin.id }, 'admin from ADMIN_EMAIL is ready');
    }
    const finished = await useCases.deletion.finishPendingDeletions();
    if (finished > 0) log.info({ finished }, 'interrupted deletions finished');
    // The stores are the truth: fill the revocation list from them now, and again whenever
    // it is lost (a Redis restarted empty), failing closed meanwhile. A full refill is not
    // announced to watchers (the feed starts a new epoch with it, so they take a snapshot);
    // a replay of what Redis missed while unreachable is, since the feed missed it too.
    await adapters.revocations.refillWith(async (since) => {
      if (since === undefined) {
        const rebuilt = await rebuildRevocations({ ...adapters, listedMs: longestTokenMs });
        log.info(rebuilt, 'revocation list rebuilt from the stores');
        return;
      }
      const replayed = await rebuildRevocations({ ...adapters, revocations, listedMs: longestTokenMs }, { since });
      log.info({ ...replayed, since: new Date(since).toISOString() }, 'revocations the stores made while Redis was unreachable replayed');
    });
    // Every relay pass first finishes deletions a crash interrupted, so their requests go out too.
    relay.start(config.outboxRelayIntervalMs, () => useCases.deletion.finishPendingDeletions());
    mail.mailer.start(config.outboxRelayIntervalMs);
    void mail.mailer.flush();
    const sweepLog = new OutageLog(log, 'sweep of expired sessions, one-time tokens, second-factor claims, OpenID Provider records and revoked tokens');
    const sweeper = setInterval(
      () =>
        void sweepLog.run(async () => {
          await adapters.sessions.sweepExpired(new Date());
          await adapters.oneTimeTokens.sweepExpired(new Date());
          await adapters.secondFactors.sweepClaims(new Date());
          await adapters.oidc.sweepExpired(new Date());
          await adapters.revokedTokens.sweepExpired(new Date());
        }),
      SWEEP_INTERVAL_MS,
    );
    sweeper.unref();
    audit.startSweeping(SWEEP_INTERVAL_MS);
    // Logout, suspension, demotion and deletion end the person's grants at the OpenID Provider too.
    const grantLog = new OutageLog(log, 'revocation of OpenID Provider grants');
    const stopFollowing = adapters.revocationFeed.subscribe((event) => void grantLog.run(() => useCases.oidcGrantRevocation.follow(event)));
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
      oidc: {
        keys: signingKeys,
        tokens: {
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
          userSeconds: lifetimes.accessToken,
          serviceSeconds: lifetimes.serviceToken,
          refreshSeconds: lifetimes.refreshToken,
        },
        cookieSecret: derivedSecret(sealingKey, 'client-auth oidc-provider cookies'),
      },
      close: async () => {
        clearInterval(sweeper);
        stopFollowing();
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

/** A secret for one purpose derived from `key` (HKDF-SHA256), so that it opens nothing else. */
function derivedSecret(key: string, purpose: string): string {
  return Buffer.from(hkdfSync('sha256', key, '', purpose, 32)).toString('base64url');
}
