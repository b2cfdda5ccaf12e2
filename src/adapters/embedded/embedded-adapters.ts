import type { Logger } from '../../domain/logger';
import { MemoryEventBus } from './memory-event-bus';
import { MemoryLoginThrottle } from './memory-login-throttle';
import { MemoryRevocationFeed } from './memory-revocation-feed';
import { MemoryRevocationList } from './memory-revocation-list';
import { requestLimiterOn } from '../throttle-request-limiter';
import { SqliteMailOutbox } from './sqlite-mail-outbox';
import { SqliteOneTimeTokenStore } from './sqlite-one-time-token-store';
import { SqliteClientStore } from './sqlite-client-store';
import { openSqliteDatabase, sqliteFilePath } from './sqlite-database';
import { SqliteOutbox } from './sqlite-outbox';
import { SqliteRevocationPersistence } from './sqlite-revocation-persistence';
import { SqliteSessionStore } from './sqlite-session-store';
import { SqliteSigningKeyStore } from './sqlite-signing-key-store';
import { SqliteSecondFactorStore } from './sqlite-second-factor-store';

/**
 * The adapters of the embedded set-up: one SQLite file under `dataDir` for clients,
 * sessions, the outbox and the revocation list's entries, and an in-process revocation
 * list, event bus and login throttle. Nothing to install, and one instance only: a second
 * process would not hear of the first one's revocations or count its failed logins.
 */
export function openEmbeddedAdapters(
  dataDir: string,
  log: Logger,
  options: { loginFailureWindowMs: number; recoveryWindowMs: number; feedRetentionMs: number },
) {
  const db = openSqliteDatabase(dataDir);
  const revocations = new MemoryRevocationList({ persistence: new SqliteRevocationPersistence(db), log });
  const events = new MemoryEventBus(log);
  const revocationFeed = new MemoryRevocationFeed(options.feedRetentionMs);
  return {
    clients: new SqliteClientStore(db),
    sessions: new SqliteSessionStore(db),
    outbox: new SqliteOutbox(db),
    revocations,
    events,
    loginThrottle: new MemoryLoginThrottle({ windowMs: options.loginFailureWindowMs }),
    signingKeys: new SqliteSigningKeyStore(db),
    revocationFeed,
    secondFactors: new SqliteSecondFactorStore(db),
    oneTimeTokens: new SqliteOneTimeTokenStore(db),
    mailOutbox: new SqliteMailOutbox(db),
    recoveryLimiter: requestLimiterOn(new MemoryLoginThrottle({ windowMs: options.recoveryWindowMs })),
    description:
      `embedded adapters: SQLite at ${sqliteFilePath(dataDir)}, in-process revocation list and event bus — ` +
      'serves ONE instance only; configure MongoDB and Redis to run several',
    storesUp: async () => ({ sqlite: db.open }),
    close: async () => {
      await revocationFeed.close();
      await revocations.close();
      await events.close();
      db.close();
    },
  };
}
