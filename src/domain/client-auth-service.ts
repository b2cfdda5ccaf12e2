import {
  ADMIN_GROUP,
  BASE_GROUP,
  isAdmin,
  publicClient,
  type ClientKind,
  type ClientRecord,
  type Principal,
  type PublicClient,
} from './client';
import {
  DomainError,
  DuplicateKeyError,
  UnavailableError,
  clientNotFound,
  invalidArgument,
  permissionDenied,
  unauthenticated,
} from './errors';
import { newId } from './ids';
import { describe } from './describe-error';
import type { OutboxRelay } from './outbox-relay';
import type { LegacyTokens } from './legacy-tokens';
import type { Logger } from './logger';
import type { PasswordHasher } from './password-hasher';
import type { ClientStore, LoginThrottle, Outbox, OutboxEntry, OutboxEventType, RevocationList, SessionStore } from './ports';
import { hashSecret, newSecret, sameHash } from './secrets';
import { resetServiceSecret } from './service-secrets';
import type { IssuedToken, TokenIssuer } from './token-issuer';
import * as v from './validation';

/** Token lifetimes, in seconds. */
export interface Lifetimes {
  accessToken: number;
  serviceToken: number;
  refreshToken: number;
}

export interface ClientAuthDeps {
  clients: ClientStore;
  sessions: SessionStore;
  outbox: Outbox;
  revocations: RevocationList;
  loginThrottle: LoginThrottle;
  loginLimit: LoginLimit;
  relay: OutboxRelay;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  lifetimes: Lifetimes;
  log: Logger;
  /** Tokens of the original service, accepted until LEGACY_TOKENS_UNTIL; null when off. */
  legacyTokens?: LegacyTokens | null;
  now?: () => number;
}

/** An email with `maxFailures` failed logins within `windowSeconds` is refused until the window ends. */
export interface LoginLimit {
  maxFailures: number;
  windowSeconds: number;
}

export interface TokenPair {
  access: IssuedToken;
  refresh: IssuedToken;
  client: PublicClient;
}

export interface DeletionRequestView {
  clientId: string;
  kind: ClientKind;
  requestedAt: Date;
  requestedBy: string;
  deliveredAt: Date | null;
}

/** Refresh tokens are 43 base64url characters; anything much longer is not one of ours. */
const MAX_REFRESH_TOKEN_LENGTH = 128;
const MAX_SECRET_LENGTH = 128;
const LIST_PAGE_DEFAULT = 50;
const LIST_PAGE_MAX = 500;

/**
 * The use cases of client-auth. Transport-free: handlers decode a request, call one
 * method, encode its result; every failure is a DomainError with a stable reason.
 */
export class ClientAuthService {
  private readonly clients: ClientStore;
  private readonly sessions: SessionStore;
  private readonly outbox: Outbox;
  private readonly revocations: RevocationList;
  private readonly loginThrottle: LoginThrottle;
  private readonly loginLimit: LoginLimit;
  /** Whether the last call to the login throttle failed, so an outage is logged once, not per login. */
  private loginThrottleDown = false;
  private readonly relay: OutboxRelay;
  private readonly hasher: PasswordHasher;
  private readonly tokens: TokenIssuer;
  private readonly lifetimes: Lifetimes;
  private readonly log: Logger;
  private readonly legacyTokens: LegacyTokens | null;
  private readonly now: () => number;

  constructor(deps: ClientAuthDeps) {
    this.clients = deps.clients;
    this.sessions = deps.sessions;
    this.outbox = deps.outbox;
    this.revocations = deps.revocations;
    this.loginThrottle = deps.loginThrottle;
    this.loginLimit = deps.loginLimit;
    this.relay = deps.relay;
    this.hasher = deps.hasher;
    this.tokens = deps.tokens;
    this.lifetimes = deps.lifetimes;
    this.log = deps.log;
    this.legacyTokens = deps.legacyTokens ?? null;
    this.now = deps.now ?? Date.now;
  }

  // --- registration -------------------------------------------------------------------

  /** Registers a user in the "user" group only; the request cannot choose groups. */
  async registerUser(input: {
    email: string;
    password: string;
    firstName: string;
    lastName: string;
    phoneNumber: string;
    attributes: Record<string, string>;
  }): Promise<PublicClient> {
    const email = v.normalizeEmail('email', input.email);
    const password = v.checkPassword('password', input.password);
    const record = this.newRecord('user', email, {
      firstName: v.text('first_name', input.firstName, 100),
      lastName: v.text('last_name', input.lastName, 100),
      phoneNumber: v.text('phone_number', input.phoneNumber, 32),
      attributes: v.attributes('attributes', input.attributes),
      groups: [BASE_GROUP.user],
      passwordHash: await this.hasher.hash(password),
    });
    await this.insert(record);
    return publicClient(record);
  }

  /** Registers a service client; the secret is returned this once and stored as a hash. */
  async registerService(
    caller: Principal,
    input: { email: string; name: string; groups: string[] },
  ): Promise<{ client: PublicClient; clientSecret: string }> {
    requireAdmin(caller);
    const email = v.normalizeEmail('email', input.email);
    const name = v.text('name', input.name, 100, { required: true });
    const groups = withBaseGroup('service', v.groups('groups', input.groups));
    const clientSecret = newSecret();
    const record = this.newRecord('service', email, { name, groups, secretHash: hashSecret(clientSecret) });
    await this.insert(record);
    return { client: publicClient(record), clientSecret };
  }

  /** Ensures the configured admin exists, is in the admin group and has this password. */
  async ensureAdmin(emailInput: string, password: string): Promise<PublicClient> {
    const email = v.normalizeEmail('ADMIN_EMAIL', emailInput);
    v.checkPassword('ADMIN_PASSWORD', password);
    const existing = await this.clients.findByEmail(email);
    if (!existing) {
      const record = this.newRecord('user', email, {
        groups: [BASE_GROUP.user, ADMIN_GROUP],
        passwordHash: await this.hasher.hash(password),
      });
      try {
        await this.insert(record);
        return publicClient(record);
      } catch (error) {
        // Another instance created it at the same moment: bring that one up to date.
        if (!(error instanceof DomainError && error.reason === 'EMAIL_TAKEN')) throw error;
        return this.ensureAdmin(emailInput, password);
      }
    }
    if (existing.kind !== 'user') throw invalidArgument('ADMIN_EMAIL', 'ADMIN_EMAIL belongs to a service client');
    const changes: Partial<ClientRecord> = {};
    if (!existing.groups.includes(ADMIN_GROUP)) changes.groups = [...existing.groups, ADMIN_GROUP];
    const passwordCurrent =
      existing.passwordHash !== null &&
      (await this.hasher.verify(password, existing.passwordHash)) &&
      !this.hasher.needsRehash(existing.passwordHash);
    if (!passwordCurrent) changes.passwordHash = await this.hasher.hash(password);
    if (Object.keys(changes).length === 0) return publicClient(existing);
    const updated = await this.clients.update(existing.id, { ...changes, updatedAt: new Date(this.now()) });
    if (!updated) throw clientNotFound();
    return publicClient(updated);
  }

  // --- credentials ----------------------------------------------------------------------

  /**
   * Logs a user in; unknown email and wrong password are indistinguishable, in answer and
   * time. Failed logins are counted per email, registered or not, and an email at the limit
   * is refused before its password is checked, so the refusal says nothing of the account.
   */
  async login(input: { email: string; password: string }): Promise<TokenPair> {
    const email = v.normalizeEmail('email', input.email);
    if (input.password === '') throw invalidArgument('password', 'password is required');
    if (Buffer.byteLength(input.password, 'utf8') > v.PASSWORD_MAX_BYTES) {
      throw invalidArgument('password', `password must be at most ${v.PASSWORD_MAX_BYTES} bytes of UTF-8`);
    }
    const failures = await this.throttled(() => this.loginThrottle.failures(email), 0);
    if (failures >= this.loginLimit.maxFailures) throw tooManyAttempts(this.loginLimit.windowSeconds);
    const found = await this.clients.findByEmail(email);
    const client = found?.kind === 'user' ? found : null;
    const matches = await this.hasher.verify(input.password, client?.passwordHash ?? null);
    if (!client || !matches || client.passwordHash === null) {
      await this.throttled(() => this.loginThrottle.recordFailure(email), 0);
      throw invalidCredentials();
    }
    // The password was right, so whoever this is is not guessing it, suspended or not.
    if (failures > 0) await this.throttled(() => this.loginThrottle.reset(email), undefined);
    if (client.suspended) throw suspended();

    if (this.hasher.needsRehash(client.passwordHash)) {
      const passwordHash = await this.hasher.hash(input.password);
      await this.clients.update(client.id, { passwordHash, updatedAt: new Date(this.now()) });
    }
    return this.startSession(client);
  }

  /**
   * Calls the login throttle, failing open: while its store is unreachable, logins go on
   * unlimited (logged once per outage) instead of failing. The throttle only slows
   * guessing and every password is still checked, whereas failing closed would turn a
   * Redis outage into an outage of every login. The price: failures made during an outage
   * go uncounted.
   */
  private async throttled<T>(call: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await call();
      if (this.loginThrottleDown) {
        this.loginThrottleDown = false;
        this.log.info({}, 'login throttle reachable again; failed logins are counted');
      }
      return result;
    } catch (error) {
      if (!this.loginThrottleDown) {
        this.loginThrottleDown = true;
        const cause = error instanceof UnavailableError ? (error as { cause?: unknown }).cause : undefined;
        this.log.warn({ err: describe(cause ?? error) }, 'login throttle unavailable; failed logins are NOT counted or limited until it is back');
      }
      return fallback;
    }
  }

  /** Rotates a refresh token; a retired one coming back revokes its whole family. */
  async refresh(input: { refreshToken: string }): Promise<TokenPair> {
    if (input.refreshToken === '') throw invalidArgument('refresh_token', 'refresh_token is required');
    if (input.refreshToken.length > MAX_REFRESH_TOKEN_LENGTH) throw invalidRefreshToken();
    const hash = hashSecret(input.refreshToken);
    const token = await this.sessions.findToken(hash);
    if (!token) throw invalidRefreshToken();
    if (await this.sessions.isRetired(hash)) return this.rejectReuse(token.sessionId);

    // The client's state comes first: a suspension revokes every session, and the holder
    // of a refresh token should learn why it stopped working.
    const client = await this.clients.findById(token.clientId);
    if (!client) throw unauthenticated('CLIENT_DELETED', 'the client has been deleted');
    if (client.suspended) throw suspended();
    const now = this.now();
    const session = await this.sessions.findSession(token.sessionId);
    if (!session || session.revokedAt) throw sessionRevoked();
    if (token.expiresAt.getTime() <= now || session.expiresAt.getTime() <= now) {
      throw unauthenticated('TOKEN_EXPIRED', 'the refresh token has expired; log in again');
    }

    const refreshToken = newSecret();
    const won = await this.sessions.rotate(hash, {
      hash: hashSecret(refreshToken),
      sessionId: session.id,
      clientId: client.id,
      parent: hash,
      createdAt: new Date(now),
      expiresAt: session.expiresAt,
    });
    if (!won) return this.rejectReuse(session.id);
    return {
      access: this.issueAccess(client, session.id, this.lifetimes.accessToken),
      refresh: { token: refreshToken, expiresAt: session.expiresAt },
      client: publicClient(client),
    };
  }

  /** Exchanges a service client's id and secret for a short-lived access token. */
  async issueServiceToken(input: { clientId: string; clientSecret: string }): Promise<IssuedToken> {
    if (input.clientId === '') throw invalidArgument('client_id', 'client_id is required');
    if (input.clientSecret === '') throw invalidArgument('client_secret', 'client_secret is required');
    if (input.clientSecret.length > MAX_SECRET_LENGTH) throw invalidCredentials();
    const found = v.isClientId(input.clientId) ? await this.clients.findById(input.clientId) : null;
    const client = found?.kind === 'service' && found.secretHash !== null ? found : null;
    const presented = hashSecret(input.clientSecret);
    // Compare against something even for an unknown id, so timing says nothing.
    const matches = sameHash(presented, client?.secretHash ?? DUMMY_SECRET_HASH) && client !== null;
    if (!client || !matches) throw invalidCredentials();
    if (client.suspended) throw suspended();
    return this.issueAccess(client, newId(this.now()), this.lifetimes.serviceToken);
  }

  /**
   * Validates an access token: signature, claims, expiry, then the revocation list, which
   * answers from memory. The gateway's per-request check; it reads no database.
   */
  async validateToken(token: string): Promise<Principal> {
    if (token === '') throw unauthenticated('TOKEN_MISSING', 'a token is required');
    const principal = await this.verifyAccess(token);
    const status = await this.revocations.status(principal.clientId, principal.sessionId);
    switch (status) {
      case null:
        return principal;
      case 'SESSION_REVOKED':
        throw sessionRevoked();
      case 'CLIENT_SUSPENDED':
        throw unauthenticated('CLIENT_SUSPENDED', 'the client is suspended');
      case 'CLIENT_DELETED':
        throw unauthenticated('CLIENT_DELETED', 'the client has been deleted');
    }
  }

  /**
   * Authenticates the caller of an RPC other than ValidateToken. Like `validateToken`,
   * except that when the revocation list cannot answer, the stores are asked instead:
   * they hold the truth about sessions and suspensions, and these calls read them anyway.
   * A token with no stored session (a service token) still fails closed then.
   */
  async authenticate(token: string): Promise<Principal> {
    try {
      return await this.validateToken(token);
    } catch (error) {
      if (!(error instanceof UnavailableError)) throw error;
      const principal = await this.verifyAccess(token);
      const [client, session] = await Promise.all([
        this.clients.findById(principal.clientId),
        this.sessions.findSession(principal.sessionId),
      ]);
      if (!client) throw unauthenticated('CLIENT_DELETED', 'the client has been deleted');
      if (client.suspended) throw unauthenticated('CLIENT_SUSPENDED', 'the client is suspended');
      if (!session || session.clientId !== client.id) throw error;
      if (session.revokedAt) throw sessionRevoked();
      return principal;
    }
  }

  /**
   * Ends the session of `token`: its refresh token stops working and the access token
   * fails validation from the next call on. A session already revoked, or an access token
   * already expired, ends quietly, so a client can always log out.
   */
  async logout(token: string): Promise<void> {
    if (token === '') throw unauthenticated('TOKEN_MISSING', 'a token is required');
    // An expired access token still names its session: a browser that comes back after
    // the token expired must be able to end the session its refresh token keeps alive.
    const principal = this.tokens.verify(token, { allowExpired: true });
    await this.revocations.revokeSession(principal.sessionId, principal.expiresAt.getTime());
    await this.sessions.revoke(principal.sessionId, new Date(this.now()));
  }

  /** A token of this service, or one of the original service while its window is open. */
  private async verifyAccess(token: string): Promise<Principal> {
    try {
      return this.tokens.verify(token);
    } catch (error) {
      if (this.legacyTokens === null || !(error instanceof DomainError && error.reason === 'TOKEN_INVALID')) throw error;
      const legacy = await this.legacyTokens.verify(token);
      if (legacy === null) throw error;
      return legacy;
    }
  }

  // --- the caller's own record ----------------------------------------------------------

  async getMe(caller: Principal): Promise<PublicClient> {
    const client = await this.clients.findById(caller.clientId);
    if (!client) throw clientNotFound();
    return publicClient(client);
  }

  /** Changes a user's password and revokes all its other sessions. */
  async changePassword(caller: Principal, input: { currentPassword: string; newPassword: string }): Promise<void> {
    if (caller.kind !== 'user') throw new DomainError('failed_precondition', 'NOT_A_USER', 'only users have a password');
    if (input.currentPassword === '') throw invalidArgument('current_password', 'current_password is required');
    const newPassword = v.checkPassword('new_password', input.newPassword);
    const client = await this.clients.findById(caller.clientId);
    if (!client) throw clientNotFound();
    const currentOk =
      Buffer.byteLength(input.currentPassword, 'utf8') <= v.PASSWORD_MAX_BYTES &&
      (await this.hasher.verify(input.currentPassword, client.passwordHash));
    if (!currentOk) throw invalidCredentials();

    const now = new Date(this.now());
    await this.clients.update(client.id, { passwordHash: await this.hasher.hash(newPassword), updatedAt: now });
    const revoked = await this.sessions.revokeAllOfClient(client.id, now, caller.sessionId);
    await this.revokeAccessTokensOf(client.id, revoked, now);
  }

  // --- deletion -------------------------------------------------------------------------

  /**
   * Deletes a client and requests the deletion of its data everywhere. The request is in
   * the outbox before anything is removed, so it survives any failure after that point;
   * the relay delivers it now if it can and retries until it can.
   */
  async deleteClient(caller: Principal, input: { clientId: string }): Promise<DeletionRequestView> {
    const targetId = input.clientId === '' ? caller.clientId : input.clientId;
    if (targetId !== caller.clientId && !isAdmin(caller)) throw permissionDenied('PERMISSION_DENIED', 'only an admin may delete another client');
    v.clientId('client_id', targetId);
    const client = await this.clients.findById(targetId);
    if (!client) throw clientNotFound();

    const entry = await this.record('client.deletion_requested', client, caller.clientId, '');
    await this.sessions.deleteAllOfClient(client.id);
    await this.clients.delete(client.id);
    const delivered = await this.relay.flush();
    if (!delivered) this.log.warn({ clientId: client.id }, 'deletion request queued in the outbox; the relay will deliver it');
    return {
      clientId: entry.clientId,
      kind: entry.clientKind,
      requestedAt: entry.at,
      requestedBy: entry.by,
      deliveredAt: delivered ? new Date(this.now()) : null,
    };
  }

  // --- administration -------------------------------------------------------------------

  async getClient(caller: Principal, input: { clientId: string }): Promise<PublicClient> {
    requireAdmin(caller);
    return publicClient(await this.find(input.clientId));
  }

  async listClients(
    caller: Principal,
    input: { pageSize: number; pageToken: string; kind?: ClientKind; suspended?: boolean; emailPrefix: string },
  ): Promise<{ clients: PublicClient[]; nextPageToken: string }> {
    requireAdmin(caller);
    const limit = v.pageSize('page_size', input.pageSize, LIST_PAGE_DEFAULT, LIST_PAGE_MAX);
    const emailPrefix = v.text('email_prefix', input.emailPrefix, 254).toLowerCase();
    const afterId = input.pageToken === '' ? undefined : decodePageToken(input.pageToken);
    const page = await this.clients.list({
      limit: limit + 1,
      ...(input.kind ? { kind: input.kind } : {}),
      ...(input.suspended !== undefined ? { suspended: input.suspended } : {}),
      ...(emailPrefix ? { emailPrefix } : {}),
      ...(afterId ? { afterId } : {}),
    });
    const clients = page.slice(0, limit);
    const last = clients[clients.length - 1];
    return {
      clients: clients.map(publicClient),
      nextPageToken: page.length > limit && last ? encodePageToken(last.id) : '',
    };
  }

  /** Replaces a client's groups, keeping its kind's base group. The only path to "admin". */
  async setClientGroups(caller: Principal, input: { clientId: string; groups: string[] }): Promise<PublicClient> {
    requireAdmin(caller);
    const groups = v.groups('groups', input.groups);
    const client = await this.find(input.clientId);
    const updated = await this.clients.update(client.id, {
      groups: withBaseGroup(client.kind, groups),
      updatedAt: new Date(this.now()),
    });
    if (!updated) throw clientNotFound();
    return publicClient(updated);
  }

  /** Suspends a client everywhere: record, sessions, revocation list, event. Idempotent. */
  async suspendClient(caller: Principal, input: { clientId: string; reason: string }): Promise<PublicClient> {
    requireAdmin(caller);
    const reason = v.text('reason', input.reason, 500);
    const client = await this.find(input.clientId);
    const now = new Date(this.now());
    const updated = await this.clients.update(client.id, {
      suspended: true,
      suspensionReason: reason,
      suspendedAt: now,
      suspendedBy: caller.clientId,
      updatedAt: now,
    });
    if (!updated) throw clientNotFound();
    const revoked = await this.sessions.revokeAllOfClient(client.id, now);
    await this.record('client.suspended', client, caller.clientId, reason);
    await this.relay.flush();
    // While suspended, the client mark refuses every token; listing the sessions too keeps
    // their access tokens dead after a reinstatement.
    await this.revokeAccessTokensOf(client.id, revoked, now);
    return publicClient(updated);
  }

  /** Lifts a suspension. Sessions revoked by it stay revoked. Idempotent. */
  async reinstateClient(caller: Principal, input: { clientId: string }): Promise<PublicClient> {
    requireAdmin(caller);
    const client = await this.find(input.clientId);
    const now = new Date(this.now());
    const updated = await this.clients.update(client.id, {
      suspended: false,
      suspensionReason: '',
      suspendedAt: null,
      suspendedBy: '',
      updatedAt: now,
    });
    if (!updated) throw clientNotFound();
    await this.record('client.reinstated', client, caller.clientId, '');
    await this.relay.flush();
    return publicClient(updated);
  }

  /** Gives a service client a new secret, shown once (see service-secrets.ts). */
  resetServiceSecret(caller: Principal, input: { clientId: string }): Promise<{ client: PublicClient; clientSecret: string }> {
    return resetServiceSecret({ clients: this.clients, now: this.now }, caller, input);
  }

  async listDeletionRequests(caller: Principal, input: { pageSize: number; pendingOnly: boolean }): Promise<DeletionRequestView[]> {
    requireAdmin(caller);
    const limit = v.pageSize('page_size', input.pageSize, LIST_PAGE_DEFAULT, LIST_PAGE_MAX);
    const entries = await this.outbox.list({ type: 'client.deletion_requested', pendingOnly: input.pendingOnly, limit });
    return entries.map((entry) => ({
      clientId: entry.clientId,
      kind: entry.clientKind,
      requestedAt: entry.at,
      requestedBy: entry.by,
      deliveredAt: entry.deliveredAt,
    }));
  }

  /**
   * Puts every suspended client on the revocation list. Run at start-up: the stores are
   * the truth, and a revocation list that lost its data (a Redis restarted without
   * persistence) must not let suspended clients back in. Returns how many it restored.
   */
  async restoreSuspensions(): Promise<number> {
    let restored = 0;
    let afterId: string | undefined;
    for (;;) {
      const page = await this.clients.list({ suspended: true, limit: LIST_PAGE_MAX, ...(afterId ? { afterId } : {}) });
      for (const client of page) await this.revocations.suspendClient(client.id);
      restored += page.length;
      if (page.length < LIST_PAGE_MAX) return restored;
      afterId = page[page.length - 1]!.id;
    }
  }

  // --- internals --------------------------------------------------------------------------

  private newRecord(kind: ClientKind, email: string, fields: Partial<ClientRecord>): ClientRecord {
    const now = new Date(this.now());
    return {
      id: newId(now.getTime()),
      kind,
      email,
      firstName: '',
      lastName: '',
      phoneNumber: '',
      name: '',
      groups: [BASE_GROUP[kind]],
      attributes: {},
      passwordHash: null,
      secretHash: null,
      suspended: false,
      suspensionReason: '',
      suspendedAt: null,
      suspendedBy: '',
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
  }

  private async insert(record: ClientRecord): Promise<void> {
    try {
      await this.clients.insert(record);
    } catch (error) {
      if (error instanceof DuplicateKeyError) {
        throw new DomainError('already_exists', 'EMAIL_TAKEN', 'a client with this email is already registered', 'email');
      }
      throw error;
    }
  }

  private async find(id: string): Promise<ClientRecord> {
    v.clientId('client_id', id);
    const client = await this.clients.findById(id);
    if (!client) throw clientNotFound();
    return client;
  }

  private async startSession(client: ClientRecord): Promise<TokenPair> {
    const now = this.now();
    const sessionId = newId(now);
    const expiresAt = new Date(now + this.lifetimes.refreshToken * 1000);
    const refreshToken = newSecret();
    await this.sessions.create(
      { id: sessionId, clientId: client.id, createdAt: new Date(now), expiresAt, revokedAt: null },
      {
        hash: hashSecret(refreshToken),
        sessionId,
        clientId: client.id,
        parent: `root:${sessionId}`,
        createdAt: new Date(now),
        expiresAt,
      },
    );
    return {
      access: this.issueAccess(client, sessionId, this.lifetimes.accessToken),
      refresh: { token: refreshToken, expiresAt },
      client: publicClient(client),
    };
  }

  private issueAccess(client: ClientRecord, sessionId: string, ttlSeconds: number): IssuedToken {
    return this.tokens.issue({ clientId: client.id, kind: client.kind, groups: client.groups, sessionId }, ttlSeconds);
  }

  /**
   * Puts sessions just revoked in the store on the revocation list, so their access tokens
   * fail at once rather than at expiry. The change that caused it is already stored (their
   * refresh tokens are dead), so a revocation list that cannot be reached now is logged,
   * not reported as a failure of that change: its tokens die within one access lifetime.
   */
  private async revokeAccessTokensOf(clientId: string, sessionIds: string[], now: Date): Promise<void> {
    const until = now.getTime() + this.lifetimes.accessToken * 1000;
    await Promise.all(sessionIds.map((sessionId) => this.revocations.revokeSession(sessionId, until))).catch((error: unknown) => {
      this.log.warn({ clientId, sessions: sessionIds.length, err: describe(error) }, 'revoked sessions not yet on the revocation list');
    });
  }

  /** The family of a replayed refresh token is revoked: both the thief and the owner must log in again. */
  private async rejectReuse(sessionId: string): Promise<never> {
    const now = this.now();
    this.log.warn({ sessionId }, 'refresh token reused; revoking its session');
    await this.sessions.revoke(sessionId, new Date(now));
    await this.revocations.revokeSession(sessionId, now + this.lifetimes.accessToken * 1000);
    throw unauthenticated('REFRESH_TOKEN_REUSED', 'this refresh token was already used; the session has been revoked');
  }

  private async record(type: OutboxEventType, client: ClientRecord, by: string, reason: string): Promise<OutboxEntry> {
    const now = this.now();
    const entry: OutboxEntry = {
      id: newId(now),
      type,
      clientId: client.id,
      clientKind: client.kind,
      at: new Date(now),
      by,
      reason,
      deliveredAt: null,
    };
    await this.outbox.add(entry);
    return entry;
  }
}

const DUMMY_SECRET_HASH = hashSecret('no client has this secret');

function requireAdmin(caller: Principal): void {
  if (!isAdmin(caller)) throw permissionDenied();
}

function withBaseGroup(kind: ClientKind, groups: string[]): string[] {
  return groups.includes(BASE_GROUP[kind]) ? groups : [BASE_GROUP[kind], ...groups];
}

function invalidCredentials(): DomainError {
  return unauthenticated('INVALID_CREDENTIALS', 'the credentials are not valid');
}

/** Names no account: an unknown email at the limit gets exactly this answer too. */
function tooManyAttempts(windowSeconds: number): DomainError {
  const minutes = Math.ceil(windowSeconds / 60);
  return new DomainError(
    'resource_exhausted',
    'TOO_MANY_ATTEMPTS',
    `too many failed logins for this email; wait up to ${minutes} minute${minutes === 1 ? '' : 's'} and try again`,
  );
}

function invalidRefreshToken(): DomainError {
  return unauthenticated('TOKEN_INVALID', 'the refresh token is not valid');
}

function sessionRevoked(): DomainError {
  return unauthenticated('SESSION_REVOKED', 'the session has been revoked; log in again');
}

function suspended(): DomainError {
  return new DomainError('permission_denied', 'CLIENT_SUSPENDED', 'the client is suspended');
}

const PAGE_TOKEN_PREFIX = 'c1:';

function encodePageToken(lastId: string): string {
  return Buffer.from(PAGE_TOKEN_PREFIX + lastId, 'utf8').toString('base64url');
}

function decodePageToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  const id = decoded.startsWith(PAGE_TOKEN_PREFIX) ? decoded.slice(PAGE_TOKEN_PREFIX.length) : '';
  if (!v.isClientId(id)) throw new DomainError('invalid_argument', 'INVALID_PAGE_TOKEN', 'page_token is not valid', 'page_token');
  return id;
}

