/**
 * Login, RefreshToken and Logout: a login session is one family of refresh tokens, each
 * used once; a retired one that comes back revokes its whole family (after the reuse interval).
 */

import type { AttemptLimits, PasswordHashing } from '../abuse/ports.js';
import type { AuditRecorder } from '../audit/ports.js';
import type { ClientStore } from '../clients/ports.js';
import { type ClientRecord, publicClient } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { DomainError, domainError, invalidArgument } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Logger } from '../kernel/logger.js';
import { ANONYMOUS, NO_REQUEST, type RequestContext } from '../kernel/request.js';
import { hashSecret } from '../kernel/secrets.js';
import * as v from '../kernel/validation.js';
import type { Recovery } from '../recovery/ports.js';
import type { RevocationList } from '../revocation/ports.js';
import { type LegacyTokens, revocationIdOf, verifyAnyToken } from './legacy-tokens.js';
import { type LoginAttempt, loginRecords } from './login-records.js';
import type {
  AuthMethod,
  IssuedToken,
  Lifetimes,
  LoginChallenge,
  RefreshTokenRecord,
  SecondStep,
  SessionRecord,
  SessionStore,
  TokenIssuer,
  TokenPair,
} from './ports.js';
import { namesOf, newRefreshToken } from './refresh-token-names.js';
import { openAnswer, sealAnswer } from './reuse-answer.js';

/** Refresh tokens are two ids and 43 base64url characters (117); anything much longer is not one of ours. */
const MAX_REFRESH_TOKEN_LENGTH = 128;

export interface SessionTokensDeps {
  clients: ClientStore;
  sessions: SessionStore;
  revocations: RevocationList;
  limits: AttemptLimits;
  hasher: PasswordHashing;
  tokens: TokenIssuer;
  lifetimes: Lifetimes;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
  /** Password reset and email verification (mail, one-time tokens); absent when neither is wired. */
  recovery?: Recovery;
  /** Tokens of the original service, which Logout ends too; absent or null when off. */
  legacyTokens?: LegacyTokens | null;
}

export class SessionTokens {
  constructor(
    private readonly deps: SessionTokensDeps,
    private readonly secondStep: SecondStep,
  ) {}

  /**
   * Logs a user in; unknown email and wrong password are indistinguishable, in answer and
   * time. Every attempt is counted (src/domain/abuse/attempt-limits.ts) before the password is
   * checked, registered email or not, so a refusal says nothing of the account. A login the
   * hashing queue would refuse is refused first, before it spends a limit or a read.
   * A client with a second factor gets no tokens yet, but a challenge to complete
   * (see src/domain/second-factor/complete-login.ts).
   */
  login(input: { email: string; password: string; source?: string }, request: RequestContext = NO_REQUEST): Promise<TokenPair | LoginChallenge> {
    const seen: LoginAttempt = { email: input.email, target: '' };
    const findUser = async (email: string) => {
      const found = await this.deps.clients.findByEmail(email);
      return found?.kind === 'user' ? found.id : '';
    };
    return this.deps.audit.outcome(request, () => this.checkLogin(input, seen, request), loginRecords(seen, findUser));
  }

  private async checkLogin(
    input: { email: string; password: string; source?: string },
    seen: LoginAttempt,
    request: RequestContext,
  ): Promise<TokenPair | LoginChallenge> {
    const { clients, hasher, limits } = this.deps;
    const { deadline } = request;
    const email = v.normalizeEmail('email', input.email);
    if (input.password === '') throw invalidArgument('password', 'password is required');
    if (Buffer.byteLength(input.password, 'utf8') > v.PASSWORD_MAX_BYTES) {
      throw invalidArgument('password', `password must be at most ${v.PASSWORD_MAX_BYTES} bytes of UTF-8`);
    }
    const { attempt, client, matches } = await hasher.withPlace(async (place) => {
      const attempt = await limits.beginLogin(email, input.source ?? '');
      const found = await clients.findByEmail(email);
      const client = found?.kind === 'user' ? found : null;
      seen.target = client?.id ?? '';
      return { attempt, client, matches: await place.verify(input.password, client?.passwordHash ?? null) };
    }, deadline);
    if (!client || !matches || client.passwordHash === null) throw domainError('INVALID_CREDENTIALS');
    // With a second factor the login is not over: clearing the counts now would let each
    // correct password wipe out the wrong codes counted since (see src/domain/second-factor/complete-login.ts).
    const challenge = client.suspended ? null : await this.secondStep.challengeFor(client);
    // The password was right, so whoever this is is not guessing it, suspended or not.
    if (challenge === null) await attempt.succeeded();
    if (client.suspended) throw domainError('CLIENT_SUSPENDED');
    // Only now, after the password: the answer must tell a guesser nothing.
    if (this.deps.recovery?.settings.requireVerifiedEmail && client.emailVerifiedAt === null) throw domainError('EMAIL_NOT_VERIFIED');

    if (hasher.needsRehash(client.passwordHash)) await this.upgradeHash(client, input.password, deadline);
    return challenge ?? this.startSession(client, ['pwd'], request);
  }

  /**
   * Stores a hash of the current strength for a password just proven right. When the
   * hashing queue has no room for it now, the login goes on without it: the next login
   * upgrades it, and a right password is never refused for want of an upgrade.
   */
  private async upgradeHash(client: ClientRecord, password: string, deadline: number | undefined): Promise<void> {
    let passwordHash: string;
    try {
      passwordHash = await this.deps.hasher.hash(password, deadline);
    } catch (error) {
      if (error instanceof DomainError && error.reason === 'SERVER_BUSY') return;
      throw error;
    }
    await this.deps.clients.update(client.id, { passwordHash, updatedAt: new Date(this.deps.now()) });
  }

  /**
   * Rotates a refresh token. A retired one coming back revokes its whole family, except
   * within `lifetimes.retiredRefreshToken` of its rotation: two tabs refreshing at once
   * both get the pair the first rotation made. Two round trips to the stores: the token,
   * its session and its client at once (the token names them; the client store may answer
   * from memory), then the insert that claims the rotation. A token rotated already is
   * told by that insert failing, or by a check failing, and only then is its successor read.
   */
  async refresh(input: { refreshToken: string }, request: RequestContext = NO_REQUEST): Promise<TokenPair> {
    const { clients, sessions } = this.deps;
    if (input.refreshToken === '') throw invalidArgument('refresh_token', 'refresh_token is required');
    if (input.refreshToken.length > MAX_REFRESH_TOKEN_LENGTH) throw invalidRefreshToken();
    const hash = hashSecret(input.refreshToken);
    const names = namesOf(input.refreshToken);
    const [token, namedClient, namedSession] = await Promise.all([
      sessions.findToken(hash),
      names ? clients.findById(names.clientId) : null,
      names ? sessions.findSession(names.sessionId) : null,
    ]);
    if (!token) throw invalidRefreshToken();
    // A token issued before tokens named their session is read the slow way.
    const named = names !== null && names.clientId === token.clientId && names.sessionId === token.sessionId;
    const [foundClient, foundSession] = named
      ? [namedClient, namedSession]
      : await Promise.all([clients.findById(token.clientId), sessions.findSession(token.sessionId)]);
    const now = this.deps.now();
    let client: ClientRecord;
    let session: SessionRecord;
    try {
      ({ client, session } = checkRotation(token, foundClient, foundSession, now));
    } catch (error) {
      // A retired token is answered as before (its answer again, or reuse), whatever has happened since.
      const rotated = await sessions.findForRotation(hash);
      if (rotated?.successor) return this.answerAgain(input.refreshToken, rotated.successor, request);
      throw error;
    }
    const refreshToken = newRefreshToken(client.id, session.id);
    const answer: TokenPair = {
      access: this.issueAccess(client, session.id, session.amr ?? ['pwd']),
      refresh: { token: refreshToken, expiresAt: session.expiresAt },
      client: publicClient(client),
      sessionId: session.id,
    };
    const next = {
      hash: hashSecret(refreshToken),
      sessionId: session.id,
      clientId: client.id,
      parent: hash,
      createdAt: new Date(now),
      expiresAt: session.expiresAt,
      sealedAnswer: sealAnswer(input.refreshToken, answer),
      // The session's last use, recorded in the write the rotation makes anyway (see SessionActivity).
      userAgent: request.userAgent,
      clientIp: request.ip,
    };
    if (await sessions.rotate(hash, next)) {
      this.deps.audit.record({ type: 'token.refreshed', outcome: 'success', actor: client.id, target: client.id, sessionId: session.id }, request);
      return answer;
    }
    // Another call rotated this token first: answer as it did, if still within the interval.
    const rotated = await sessions.findForRotation(hash);
    if (!rotated?.successor) throw invalidRefreshToken();
    return this.answerAgain(input.refreshToken, rotated.successor, request);
  }

  /** A retired token used again: the same answer within the reuse interval, else the family is revoked. */
  private async answerAgain(presented: string, successor: RefreshTokenRecord, request: RequestContext): Promise<TokenPair> {
    const age = this.deps.now() - successor.createdAt.getTime();
    const answer = successor.sealedAnswer === undefined ? null : openAnswer(presented, successor.sealedAnswer);
    if (answer === null || age >= this.deps.lifetimes.retiredRefreshToken * 1000) return this.rejectReuse(successor, request);
    // Only the token just retired is forgiven: once its successor has been rotated too, the
    // answer is stale and a replay of the older token is reuse, however recent.
    if (await this.deps.sessions.isRetired(successor.hash)) return this.rejectReuse(successor, request);
    // Within the interval the session may have ended since (a logout, a suspension): the revocation list knows, from memory.
    if ((await this.deps.revocations.status(successor.clientId, successor.sessionId)) !== null) throw domainError('SESSION_REVOKED');
    return { ...answer, sessionId: successor.sessionId };
  }

  /**
   * Ends the session of `token`: its refresh token stops working and the access token
   * fails validation from the next call on. A session already revoked, or an access token
   * already expired, ends quietly, so a client can always log out. The store is changed
   * first: it is the truth the revocation list is rebuilt from, and with the revocation
   * list unreachable the refresh token must still stop rotating (the call then fails, so
   * the caller retries, and the access token dies within its lifetime at worst).
   */
  async logout(token: string, request: RequestContext = NO_REQUEST): Promise<void> {
    if (token === '') throw domainError('TOKEN_MISSING');
    // An expired access token still names its session: a browser that comes back after
    // the token expired must be able to end the session its refresh token keeps alive.
    const principal = await verifyAnyToken(this.deps, token, { allowExpired: true });
    // A token of the original service has no session to end: the token itself is listed.
    if (principal.sessionId !== '') await this.deps.sessions.revoke(principal.sessionId, new Date(this.deps.now()));
    await this.deps.revocations.revokeSession(revocationIdOf(principal, token), principal.expiresAt.getTime());
    const { clientId, sessionId } = principal;
    this.deps.audit.record({ type: 'logout', outcome: 'success', actor: clientId, target: clientId, sessionId }, request);
  }

  /** A new session for a client who has just proven who it is, by `amr`, from where `request` came. */
  async startSession(client: ClientRecord, amr: AuthMethod[], request: RequestContext): Promise<TokenPair> {
    const now = this.deps.now();
    const sessionId = newId(now);
    const expiresAt = new Date(now + this.deps.lifetimes.refreshToken * 1000);
    const refreshToken = newRefreshToken(client.id, sessionId);
    const device = { userAgent: request.userAgent, clientIp: request.ip };
    await this.deps.sessions.create(
      { id: sessionId, clientId: client.id, createdAt: new Date(now), expiresAt, revokedAt: null, amr, ...device },
      {
        hash: hashSecret(refreshToken),
        sessionId,
        clientId: client.id,
        parent: `root:${sessionId}`,
        createdAt: new Date(now),
        expiresAt,
        ...device,
      },
    );
    return {
      access: this.issueAccess(client, sessionId, amr),
      refresh: { token: refreshToken, expiresAt },
      client: publicClient(client),
      sessionId,
    };
  }

  private issueAccess(client: ClientRecord, sessionId: string, amr: AuthMethod[]): IssuedToken {
    const subject = {
      clientId: client.id,
      kind: client.kind,
      groups: client.groups,
      sessionId,
      amr,
      ...(client.kind === 'user' ? { emailVerified: client.emailVerifiedAt !== null } : {}),
    };
    return this.deps.tokens.issue(subject, this.deps.lifetimes.accessToken);
  }

  /** The family of a replayed refresh token is revoked: both the thief and the owner must log in again. */
  private async rejectReuse({ sessionId, clientId }: RefreshTokenRecord, request: RequestContext): Promise<never> {
    const now = this.deps.now();
    const record = { type: 'refresh_token.reused', outcome: 'failure', actor: ANONYMOUS, target: clientId, sessionId } as const;
    this.deps.audit.record({ ...record, details: { reason: 'REFRESH_TOKEN_REUSED' } }, request);
    this.deps.log.warn({ sessionId }, 'refresh token reused; revoking its session');
    await this.deps.sessions.revoke(sessionId, new Date(now));
    await this.deps.revocations.revokeSession(sessionId, now + this.deps.lifetimes.accessToken * 1000);
    throw domainError('REFRESH_TOKEN_REUSED');
  }
}

function invalidRefreshToken() {
  return domainError('TOKEN_INVALID', 'the refresh token is not valid');
}

/**
 * The client's state comes first: a suspension revokes every session, and the holder of a
 * refresh token should learn why it stopped working.
 */
function checkRotation(
  token: RefreshTokenRecord,
  client: ClientRecord | null,
  session: SessionRecord | null,
  now: number,
): { client: ClientRecord; session: SessionRecord } {
  if (!client) throw domainError('CLIENT_DELETED');
  if (client.suspended) throw domainError('CLIENT_SUSPENDED');
  if (!session || session.revokedAt) throw domainError('SESSION_REVOKED');
  if (token.expiresAt.getTime() <= now || session.expiresAt.getTime() <= now) {
    throw domainError('TOKEN_EXPIRED', 'the refresh token has expired; log in again');
  }
  return { client, session };
}
