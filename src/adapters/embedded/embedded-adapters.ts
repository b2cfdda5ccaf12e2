import type { Logger } from '../../domain/kernel/logger.js';
import { OIDC_CLIENT_SETTINGS_MODEL } from '../../domain/oidc/ports.js';
import type { RecordCacheLimits } from '../record-cache.js';
import type { SealedData } from './development-secret.js';
import { memoryAttemptLimiters } from './memory-attempt-limiters.js';
import { MemoryCachedClientStore } from './memory-cached-client-store.js';
import { MemoryCachedOidcStore } from './memory-cached-oidc-store.js';
import { MemoryEventBus } from './memory-event-bus.js';
import { MemoryRevocationFeed } from './memory-revocation-feed.js';
import { MemoryRevocationList } from './memory-revocation-list.js';
import { SqliteAuditLog } from './sqlite-audit-log.js';
import { fillEmailSkeletons, SqliteClientStore } from './sqlite-client-store.js';
import { openSqliteDatabase, type SqliteDatabase, sqliteFilePath, synchronousOf } from './sqlite-database.js';
import { SqliteMailOutbox } from './sqlite-mail-outbox.js';
import { SqliteOidcStore } from './sqlite-oidc-store.js';
import { SqliteOneTimeTokenStore } from './sqlite-one-time-token-store.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { SqliteOverviewCounts } from './sqlite-overview-counts.js';
import { SqliteRevocationPersistence } from './sqlite-revocation-persistence.js';
import { SqliteRevokedTokenStore } from './sqlite-revoked-token-store.js';
import { SqliteSecondFactorStore } from './sqlite-second-factor-store.js';
import { SqliteSessionStore } from './sqlite-session-store.js';
import { SqliteSigningKeyStore } from './sqlite-signing-key-store.js';

/**
 * The adapters of the embedded set-up: one SQLite file under `dataDir` for clients,
 * sessions, the outbox and the revocation list's entries, and an in-process revocation
 * list, event bus and attempt limiters. Nothing to install, and one instance only: a second
 * process would not hear of the first one's revocations or count its failed logins.
 */
export function openEmbeddedAdapters(
  { dataDir, synchronous }: { dataDir: string; synchronous: 'normal' | 'full' },
  log: Logger,
  options: { feedRetentionMs: number; clientCache: RecordCacheLimits },
) {
  const db = openSqliteDatabase(dataDir, { synchronous });
  fillEmailSkeletons(db, log);
  const revocations = new MemoryRevocationList({ persistence: new SqliteRevocationPersistence(db), log });
  const events = new MemoryEventBus(log);
  const revocationFeed = new MemoryRevocationFeed(options.feedRetentionMs);
  return {
    // Kept in memory unless CLIENT_CACHE_MAX_ENTRIES=0 (memory-cached-client-store.ts).
    clients: options.clientCache.maxEntries > 0 ? new MemoryCachedClientStore(new SqliteClientStore(db), options.clientCache) : new SqliteClientStore(db),
    sessions: new SqliteSessionStore(db),
    outbox: new SqliteOutbox(db),
    revocations,
    revokedTokens: new SqliteRevokedTokenStore(db),
    events,
    limiters: memoryAttemptLimiters(),
    auditLog: new SqliteAuditLog(db),
    auditStream: null,
    signingKeys: new SqliteSigningKeyStore(db),
    revocationFeed,
    secondFactors: new SqliteSecondFactorStore(db),
    oneTimeTokens: new SqliteOneTimeTokenStore(db),
    mailOutbox: new SqliteMailOutbox(db),
    // The service clients' OIDC settings kept in memory with the client records, and off with them (memory-cached-oidc-store.ts).
    oidc:
      options.clientCache.maxEntries > 0
        ? new MemoryCachedOidcStore(new SqliteOidcStore(db), [OIDC_CLIENT_SETTINGS_MODEL], options.clientCache)
        : new SqliteOidcStore(db),
    overviewCounts: new SqliteOverviewCounts(db),
    description:
      `embedded adapters: SQLite at ${sqliteFilePath(dataDir)} (synchronous=${synchronousOf(db)}), in-process revocation list and event bus — ` +
      'serves ONE instance only; configure MongoDB and Redis to run several',
    storesUp: async () => ({ sqlite: db.open }),
    /** What the file holds sealed with the generated key-encryption key or JWT secret; read before either is generated. */
    sealedRecords: (): SealedData => ({
      signingKeys: countRows(db, 'signing_keys'),
      totpSecrets: countRows(db, 'totp_factors'),
      queuedMail: countRows(db, 'mail_outbox'),
    }),
    close: async () => {
      await revocationFeed.close();
      await revocations.close();
      await events.close();
      db.close();
    },
  };
}

function countRows(db: SqliteDatabase, table: 'signing_keys' | 'totp_factors' | 'mail_outbox'): number {
  return (db.prepare(`SELECT COUNT(*) AS count FROM ${table}`).get() as { count: number }).count;
}
