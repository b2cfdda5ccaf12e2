/**
 * In-memory fakes of the domain's ports, for fast unit tests of the use cases. Each keeps
 * its port's guarantees in the simplest way (one process, no I/O); the contract suites
 * prove the real adapters keep them too. `down` makes a fake fail as an unreachable store.
 */

import { emailSkeleton } from '../../../src/adapters/confusables/email-skeleton.js';
import { HmacKeySet } from '../../../src/adapters/crypto/fixed-key-sets.js';
import { OtpauthTotpCodes } from '../../../src/adapters/crypto/otpauth-totp-codes.js';
import { AesGcmSecretSealer } from '../../../src/adapters/crypto/secret-sealer.js';
import { SimpleWebAuthnCeremonies } from '../../../src/adapters/crypto/simplewebauthn-ceremonies.js';
import { memoryAttemptLimiters } from '../../../src/adapters/embedded/memory-attempt-limiters.js';
import { MemoryRevocationFeed } from '../../../src/adapters/embedded/memory-revocation-feed.js';
import { createUseCases, type UseCaseDeps, type UseCases } from '../../../src/bootstrap/use-cases.js';
import { AttemptLimitRules, type AttemptLimitsConfig } from '../../../src/domain/abuse/attempt-limits.js';
import { CommonPasswordBlocklist } from '../../../src/domain/abuse/password-blocklist.js';
import { MinimumStrength } from '../../../src/domain/abuse/password-strength.js';
import type { PasswordHashing, PasswordStrength, PlaceInQueue, StrengthEstimate } from '../../../src/domain/abuse/ports.js';
import { Audit } from '../../../src/domain/audit/recorder.js';
import type { DeletionStepHook } from '../../../src/domain/clients/deletion.js';
import type { ClientQuery, ClientStore, MarkedClient, Outbox, OutboxEntry, PendingDeletion } from '../../../src/domain/clients/ports.js';
import type { ClientRecord, Principal } from '../../../src/domain/kernel/client.js';
import { DuplicateKeyError, domainError, UnavailableError } from '../../../src/domain/kernel/errors.js';
import { silentLogger } from '../../../src/domain/kernel/logger.js';
import { RetryLaterError } from '../../../src/domain/kernel/retry-later.js';
import type { Recovery } from '../../../src/domain/recovery/ports.js';
import { RevocationEntries } from '../../../src/domain/revocation/entries.js';
import type { RevocationList, RevocationStatus } from '../../../src/domain/revocation/ports.js';
import type { SecondFactorSettings, WebAuthnCeremonies } from '../../../src/domain/second-factor/ports.js';
import type {
  IssuedToken,
  RefreshTokenRecord,
  SessionActivity,
  SessionRecord,
  SessionStore,
  TokenForRotation,
  TokenIssuer,
  TokenSubject,
} from '../../../src/domain/sessions/ports.js';
import { FakeAuditLog } from './audit-log.js';
import { FakeOidcStore } from './oidc.js';
import { FakeOverviewCounts } from './overview.js';
import { FakeRevokedTokenStore } from './revoked-tokens.js';
import { FakeSecondFactorStore, SECOND_FACTOR_SETTINGS, tokenPair } from './second-factor.js';

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public current = Date.UTC(2026, 0, 1, 12)) {}
  readonly now = () => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
}

const copy = <T>(value: T): T => structuredClone(value);

export class FakeClientStore implements ClientStore {
  readonly records = new Map<string, { client: ClientRecord; deletion?: PendingDeletion }>();

  async insert(client: ClientRecord): Promise<void> {
    // The port's guarantee: unique on the email and on its skeleton (the adapters' own function).
    const skeleton = emailSkeleton(client.email);
    for (const { client: other } of this.records.values()) if (emailSkeleton(other.email) === skeleton) throw new DuplicateKeyError('email');
    this.records.set(client.id, { client: copy(client) });
  }
  async findById(id: string): Promise<ClientRecord | null> {
    const record = this.records.get(id);
    return record && !record.deletion ? copy(record.client) : null;
  }
  async findByEmail(email: string): Promise<ClientRecord | null> {
    for (const record of this.records.values()) if (!record.deletion && record.client.email === email) return copy(record.client);
    return null;
  }
  async update(id: string, changes: Partial<ClientRecord>): Promise<ClientRecord | null> {
    const record = this.records.get(id);
    if (!record || record.deletion) return null;
    if (changes.email !== undefined) {
      const skeleton = emailSkeleton(changes.email);
      for (const [otherId, { client: other }] of this.records)
        if (otherId !== id && emailSkeleton(other.email) === skeleton) throw new DuplicateKeyError('email');
    }
    Object.assign(record.client, copy(changes));
    return copy(record.client);
  }
  async recordTokenIssue(id: string, at: Date, notBefore: Date): Promise<void> {
    const record = this.records.get(id);
    if (!record || record.deletion) return;
    const last = record.client.lastTokenIssuedAt;
    if (last === null || last < notBefore) record.client.lastTokenIssuedAt = new Date(at);
  }
  async markDeleted(id: string, deletion: PendingDeletion): Promise<MarkedClient | null> {
    const record = this.records.get(id);
    if (!record) return null;
    record.deletion ??= copy(deletion);
    return { client: copy(record.client), deletion: copy(record.deletion) };
  }
  async listMarkedDeleted(limit: number): Promise<MarkedClient[]> {
    return [...this.records.values()]
      .filter((record) => record.deletion)
      .sort((a, b) => a.deletion!.at.getTime() - b.deletion!.at.getTime())
      .slice(0, limit)
      .map((record) => ({ client: copy(record.client), deletion: copy(record.deletion!) }));
  }
  async delete(id: string): Promise<boolean> {
    return this.records.delete(id);
  }
  async list(query: ClientQuery): Promise<ClientRecord[]> {
    return [...this.records.values()]
      .filter((record) => !record.deletion)
      .map(({ client }) => client)
      .filter((client) => query.kind === undefined || client.kind === query.kind)
      .filter((client) => query.suspended === undefined || client.suspended === query.suspended)
      .filter((client) => query.emailPrefix === undefined || client.email.startsWith(query.emailPrefix))
      .filter((client) => query.emailVerified === undefined || (client.emailVerifiedAt !== null) === query.emailVerified)
      .filter((client) => query.group === undefined || client.groups.includes(query.group))
      .filter((client) => query.afterId === undefined || (query.newestFirst ? client.id < query.afterId : client.id > query.afterId))
      .sort((a, b) => (a.id < b.id ? -1 : 1) * (query.newestFirst ? -1 : 1))
      .slice(0, query.limit)
      .map(copy);
  }
}

export class FakeSessionStore implements SessionStore {
  readonly sessions = new Map<string, SessionRecord>();
  readonly tokens = new Map<string, RefreshTokenRecord>();

  async create(session: SessionRecord, firstToken: RefreshTokenRecord): Promise<void> {
    this.sessions.set(session.id, copy(session));
    this.tokens.set(firstToken.hash, copy(firstToken));
  }
  async findSession(id: string): Promise<SessionRecord | null> {
    return copy(this.sessions.get(id) ?? null);
  }
  async findToken(hash: string): Promise<RefreshTokenRecord | null> {
    return copy(this.tokens.get(hash) ?? null);
  }
  async isRetired(hash: string): Promise<boolean> {
    return [...this.tokens.values()].some((token) => token.parent === hash);
  }
  async findForRotation(hash: string): Promise<TokenForRotation | null> {
    const token = this.tokens.get(hash);
    if (!token) return null;
    const successor = [...this.tokens.values()].find((candidate) => candidate.parent === hash);
    return { token: copy(token), successor: successor ? copy(successor) : null };
  }
  async rotate(parentHash: string, next: RefreshTokenRecord): Promise<boolean> {
    if (await this.isRetired(parentHash)) return false;
    this.tokens.set(next.hash, copy(next));
    return true;
  }
  async revoke(sessionId: string, at: Date): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (session && !session.revokedAt) session.revokedAt = at;
  }
  async revokeAllOfClient(clientId: string, at: Date, exceptSessionId?: string): Promise<string[]> {
    const revoked: string[] = [];
    for (const session of this.sessions.values()) {
      if (session.clientId !== clientId || session.revokedAt || session.id === exceptSessionId) continue;
      session.revokedAt = at;
      revoked.push(session.id);
    }
    return revoked;
  }
  async listLive(clientId: string, now: Date): Promise<SessionActivity[]> {
    const live = [...this.sessions.values()].filter((session) => session.clientId === clientId && !session.revokedAt && session.expiresAt > now);
    return live.map((session) => {
      const newest = [...this.tokens.values()]
        .filter((token) => token.sessionId === session.id)
        .reduce<RefreshTokenRecord | undefined>((best, token) => (!best || token.createdAt > best.createdAt ? token : best), undefined);
      return {
        session: copy(session),
        lastUsedAt: newest?.createdAt ?? session.createdAt,
        userAgent: newest?.userAgent ?? session.userAgent ?? '',
        clientIp: newest?.clientIp ?? session.clientIp ?? '',
      };
    });
  }
  async deleteAllOfClient(clientId: string): Promise<void> {
    for (const [id, session] of this.sessions) if (session.clientId === clientId) this.sessions.delete(id);
    for (const [hash, token] of this.tokens) if (token.clientId === clientId) this.tokens.delete(hash);
  }
  async sweepExpired(now: Date): Promise<number> {
    let swept = 0;
    for (const [id, session] of this.sessions) {
      if (session.expiresAt <= now) {
        this.sessions.delete(id);
        swept++;
      }
    }
    return swept;
  }
  async listRevoked(query: { revokedAfter: Date; afterId?: string; limit: number }): Promise<SessionRecord[]> {
    return [...this.sessions.values()]
      .filter((session) => session.revokedAt !== null && session.revokedAt > query.revokedAfter && session.id > (query.afterId ?? ''))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, query.limit)
      .map(copy);
  }
}

export class FakeOutbox implements Outbox {
  readonly entries: OutboxEntry[] = [];

  async add(entry: OutboxEntry): Promise<void> {
    if (!this.entries.some((known) => known.id === entry.id)) this.entries.push(copy(entry));
  }
  async pending(limit: number): Promise<OutboxEntry[]> {
    return this.entries
      .filter((entry) => !entry.deliveredAt)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map(copy);
  }
  async markDelivered(id: string, at: Date): Promise<void> {
    const entry = this.entries.find((known) => known.id === id);
    if (entry && !entry.deliveredAt) entry.deliveredAt = at;
  }
  async list(query: { type?: string; pendingOnly?: boolean; beforeId?: string; limit: number }): Promise<OutboxEntry[]> {
    return this.entries
      .filter((entry) => (query.type === undefined || entry.type === query.type) && (!query.pendingOnly || !entry.deliveredAt))
      .filter((entry) => query.beforeId === undefined || entry.id < query.beforeId)
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, query.limit)
      .map(copy);
  }
  async backlog(): Promise<number> {
    return this.entries.filter((entry) => !entry.deliveredAt).length;
  }
}

/** The revocation list's rules (RevocationEntries) behind a switch that makes it unreachable. */
export class FakeRevocationList implements RevocationList {
  down = false;
  readonly entries: RevocationEntries;

  constructor(now: () => number) {
    this.entries = new RevocationEntries(now);
  }
  private reachable(): void {
    if (this.down) throw new UnavailableError('the revocation list');
  }
  async status(clientId: string, sessionId: string): Promise<RevocationStatus> {
    this.reachable();
    return this.entries.status(clientId, sessionId);
  }
  async suspendClient(clientId: string): Promise<void> {
    this.reachable();
    this.entries.suspend(clientId);
  }
  async reinstateClient(clientId: string): Promise<void> {
    this.reachable();
    this.entries.reinstate(clientId);
  }
  async markClientDeleted(clientId: string, until: number): Promise<void> {
    this.reachable();
    this.entries.markDeleted(clientId, until);
  }
  async revokeSession(sessionId: string, until: number): Promise<void> {
    this.reachable();
    this.entries.revokeSession(sessionId, until);
  }
  async refillWith(refill: (since?: number) => Promise<void>): Promise<void> {
    await refill();
  }
  size() {
    return this.entries.size();
  }
  snapshot() {
    this.reachable();
    return this.entries.snapshot();
  }
  async close(): Promise<void> {}
}

/** Hashes are readable (`fake:<cost>:<password>`), so tests can see which cost made one. */
export class FakePasswordHasher implements PasswordHashing {
  /** The hash each `verify` was asked to compare against (null: an unknown account). */
  readonly verified: Array<string | null> = [];
  /** When true, the hashing queue is full: every call is shed. */
  busy = false;
  /** When true, a hash outside a place already taken (an upgrade, a new password) is shed. */
  hashBusy = false;
  /** Places taken in the queue, and places given back (used or not). */
  reservations = 0;
  released = 0;
  constructor(public cost = 10) {}
  async hash(password: string): Promise<string> {
    if (this.hashBusy) throw new RetryLaterError('SERVER_BUSY', 'busy', 1);
    return `fake:${this.cost}:${password}`;
  }
  async verify(password: string, hash: string | null): Promise<boolean> {
    this.verified.push(hash);
    return hash !== null && hash.replace(/^fake:\d+:/, '') === password;
  }
  needsRehash(hash: string): boolean {
    return Number(hash.split(':')[1]) < this.cost;
  }
  async withPlace<T>(work: (place: PlaceInQueue) => Promise<T>): Promise<T> {
    if (this.busy) throw new RetryLaterError('SERVER_BUSY', 'busy', 1);
    this.reservations++;
    try {
      return await work({ verify: (password, hash) => this.verify(password, hash), hash: (password) => this.hash(password) });
    } finally {
      this.released++;
    }
  }
}

/** Tokens are opaque counters; what each proves is remembered, and expiry follows the clock. */
export class FakeTokenIssuer implements TokenIssuer {
  private readonly issued = new Map<string, Principal>();
  private counter = 0;

  constructor(private readonly now: () => number) {}

  issue(subject: TokenSubject, ttlSeconds: number): IssuedToken {
    const token = `token-${++this.counter}`;
    const expiresAt = new Date(this.now() + ttlSeconds * 1000);
    this.issued.set(token, { ...subject, groups: [...subject.groups], amr: subject.amr ?? [], expiresAt });
    return { token, expiresAt };
  }
  async verify(token: string, options: { allowExpired?: boolean } = {}): Promise<Principal> {
    const principal = this.issued.get(token);
    if (!principal) throw domainError('TOKEN_INVALID');
    if (!options.allowExpired && principal.expiresAt.getTime() <= this.now()) throw domainError('TOKEN_EXPIRED');
    return copy(principal);
  }
}

/** Every fake, wired into the use cases, with a relay that delivers to the fake revocation list. */
export interface World {
  clock: ManualClock;
  clients: FakeClientStore;
  sessions: FakeSessionStore;
  outbox: FakeOutbox;
  revocations: FakeRevocationList;
  revokedTokens: FakeRevokedTokenStore;
  limits: AttemptLimitRules;
  hasher: FakePasswordHasher;
  estimator: FakePasswordStrength;
  tokens: FakeTokenIssuer;
  secondFactors: FakeSecondFactorStore;
  logs: string[];
  auditLog: FakeAuditLog;
  audit: Audit;
  useCases: UseCases;
}

/** No reuse interval: a retired refresh token that comes back revokes its family at once. */
export const LIFETIMES = { accessToken: 900, serviceToken: 300, refreshToken: 30 * 86400, retiredRefreshToken: 0 };
/** Small limits, so a unit test reaches them in a few calls. */
export const UNIT_LIMITS: AttemptLimitsConfig = {
  loginPerEmailAndSource: { points: 3, durationSeconds: 900 },
  loginPerEmail: { points: 6, durationSeconds: 900 },
  loginEmailDelay: { firstSeconds: 60, maxSeconds: 900 },
  loginPerSource: { points: 1000, durationSeconds: 900 },
  registrationPerSource: { points: 1000, durationSeconds: 3600 },
  serviceTokenPerSource: { points: 1000, durationSeconds: 900 },
  estimatePerSource: { points: 5, durationSeconds: 3600 },
};
/** A tiny stand-in for the common-password list. */
export const COMMON_PASSWORDS = ['password', 'letmein1', 'iloveyou'];
/** The passwords the stand-in estimator scores 1; it scores every other one 4. */
export const WEAK_PASSWORDS = ['Password1!', 'Summer2024!', 'qwertyqwerty'];

/** A stand-in for the zxcvbn-ts estimator that remembers the words of the account it was given. */
export class FakePasswordStrength implements PasswordStrength {
  readonly inputs: (readonly string[])[] = [];
  async estimate(password: string, userInputs: readonly string[]): Promise<StrengthEstimate> {
    this.inputs.push(userInputs);
    const weak = WEAK_PASSWORDS.includes(password) || userInputs.some((word) => password.toLowerCase().includes(word.toLowerCase()));
    return weak
      ? { score: 1, warning: 'This is similar to a commonly used password.', suggestions: ['Add more words that are less common.'] }
      : { score: 4, warning: '', suggestions: [] };
  }
}

export function world(
  options: {
    afterDeletionStep?: DeletionStepHook;
    recovery?: Recovery;
    secondFactorSettings?: SecondFactorSettings;
    webauthn?: WebAuthnCeremonies;
    recentSignInSeconds?: number;
  } = {},
): World {
  const clock = new ManualClock();
  const logs: string[] = [];
  const parts = {
    clock,
    clients: new FakeClientStore(),
    sessions: new FakeSessionStore(),
    outbox: new FakeOutbox(),
    revocations: new FakeRevocationList(clock.now),
    revokedTokens: new FakeRevokedTokenStore(),
    limits: new AttemptLimitRules(UNIT_LIMITS, memoryAttemptLimiters()),
    hasher: new FakePasswordHasher(),
    estimator: new FakePasswordStrength(),
    tokens: new FakeTokenIssuer(clock.now),
    secondFactors: new FakeSecondFactorStore(),
    oidcRecords: new FakeOidcStore(),
    logs,
  };
  const log = { ...silentLogger, warn: (_fields: object, message: string) => void logs.push(message) };
  // Delivers what the relay would: enough for the use cases to see their events land.
  const relay = {
    flush: async () => {
      for (const entry of await parts.outbox.pending(100)) {
        if (entry.type === 'client.suspended') await parts.revocations.suspendClient(entry.clientId);
        if (entry.type === 'client.reinstated') await parts.revocations.reinstateClient(entry.clientId);
        if (entry.type === 'client.deletion_requested') await parts.revocations.markClientDeleted(entry.clientId, clock.now() + 900_000);
        await parts.outbox.markDelivered(entry.id, new Date(clock.now()));
      }
      return true;
    },
  };
  const auditLog = new FakeAuditLog();
  const audit = new Audit({ store: auditLog, stream: null, log: silentLogger, queueMax: 1000, retentionDays: 90, retryMs: 10, now: clock.now });
  const deps: UseCaseDeps = {
    ...parts,
    keys: new HmacKeySet('unit-test-secret-that-is-at-least-32-bytes'),
    revocationFeed: new MemoryRevocationFeed(900_000, clock.now),
    watchHeartbeatMs: 15_000,
    relay,
    audit,
    auditLog,
    overviewCounts: new FakeOverviewCounts({ ...parts, auditLog }),
    blocklist: new CommonPasswordBlocklist(COMMON_PASSWORDS),
    strength: new MinimumStrength(parts.estimator, 3),
    lifetimes: LIFETIMES,
    recentSignInSeconds: 15 * 60,
    log,
    now: clock.now,
    // Pure computation, so the unit tests use the real adapters.
    sealer: new AesGcmSecretSealer('a unit-test key-encryption key of 32+ bytes'),
    totpCodes: new OtpauthTotpCodes(),
    webauthn: new SimpleWebAuthnCeremonies(),
    secondFactorSettings: SECOND_FACTOR_SETTINGS,
    ...options,
  };
  return { ...parts, auditLog, audit, useCases: createUseCases(deps) };
}

export const PASSWORD = 'correct horse battery';

/** Registers a user through the use case and logs it in. */
// Digits only after "user": a random run of letters could spell a piece of PASSWORD, which
// the estimator (as the real one) then counts against it as one of the account's words.
export async function registeredUser(w: World, email = `user${Math.random().toString().slice(2)}@example.com`) {
  const client = await w.useCases.registration.registerUser({ email, password: PASSWORD, firstName: 'Ada', lastName: '', phoneNumber: '', attributes: {} });
  const pair = tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD }));
  const principal = await w.tokens.verify(pair.access.token);
  return { client, pair, principal, email };
}

/** A principal in the admin group, as a verified token would give. */
export function adminPrincipal(clientId = '01900000-0000-7000-8000-000000000001'): Principal {
  return { clientId, kind: 'user', groups: ['user', 'admin'], sessionId: 'admin-session', expiresAt: new Date(8.64e15), amr: ['pwd'] };
}

/** The reason of a call that must fail with a DomainError. */
export async function reasonOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as { reason?: string }).reason ?? `not a domain error: ${String(error)}`;
  }
  throw new Error('the call succeeded but was expected to fail');
}
