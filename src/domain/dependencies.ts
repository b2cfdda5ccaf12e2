import type { AuditRecorder } from './audit.js';
import type { AttemptLimits } from './attempt-limits.js';
import type { PasswordHashing } from './hashing-queue.js';
import type { LegacyTokens } from './legacy-tokens.js';
import type { Logger } from './logger.js';
import type { OutboxRelay } from './outbox-relay.js';
import type { AuditLog } from './audit-ports.js';
import type { PasswordBlocklist } from './password-blocklist.js';
import type { Recovery } from './recovery-settings.js';
import type { ClientStore, Outbox, RevocationList, SessionStore } from './ports.js';
import type { RevocationFeed } from './revocation-feed.js';
import type { SigningKeySet } from './signing-keys.js';
import type { Lifetimes, TokenIssuer } from './token-issuer.js';
import type { SecondFactorSettings, SecondFactorStore, SecretSealer, TotpCodes, WebAuthnCeremonies } from './second-factor-ports.js';

/**
 * Everything a use case may depend on. Each use case takes only the part it uses
 * (`Pick<Dependencies, ...>`), so its type says which ports it touches.
 */
export interface Dependencies {
  clients: ClientStore;
  sessions: SessionStore;
  outbox: Outbox;
  revocations: RevocationList;
  /** What each attempt at a secret (login, password, service secret, registration) counts against. */
  limits: AttemptLimits;
  /** Passwords refused as too common. */
  blocklist: PasswordBlocklist;
  /** Delivers what a use case just put in the outbox, now if it can. */
  relay: Pick<OutboxRelay, 'flush'>;
  /** The password hasher behind its bounded queue. */
  hasher: PasswordHashing;
  tokens: TokenIssuer;
  /** The keys `tokens` signs with, for publishing and rotating them. */
  keys: SigningKeySet;
  /** Where every revocation (and groups change) is announced to watchers. */
  revocationFeed: RevocationFeed;
  /** How often a quiet WatchRevocations stream sends a heartbeat. */
  watchHeartbeatMs: number;
  lifetimes: Lifetimes;
  log: Logger;
  /** The audit trail; records are written off the caller's path. */
  audit: AuditRecorder;
  /** Where the audit trail is read back from. */
  auditLog: AuditLog;
  /** Tokens of the original service, accepted until LEGACY_TOKENS_UNTIL; absent or null when off. */
  legacyTokens?: LegacyTokens | null;
  /** Second factors: where they are kept, what seals their secrets and tickets, and their settings. */
  secondFactors: SecondFactorStore;
  sealer: SecretSealer;
  totpCodes: TotpCodes;
  webauthn: WebAuthnCeremonies;
  secondFactorSettings: SecondFactorSettings;
  /** The clock, ms since the epoch; tests pass one they move by hand. */
  now: () => number;
  /** Password reset and email verification (mail, one-time tokens); absent when neither is wired. */
  recovery?: Recovery;
}
