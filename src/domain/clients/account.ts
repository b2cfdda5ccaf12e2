/** GetMe, UpdateMyProfile and ChangePassword: what a client does with its own record. */

import type { AttemptLimits, PasswordBlocklist, PasswordHashing, StrengthRule } from '../abuse/ports.js';
import type { AuditRecorder } from '../audit/ports.js';
import { type Principal, type PublicClient, publicClient } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import type { Recovery } from '../recovery/ports.js';
import { type RevocationList, revokeAccessTokensOf } from '../revocation/ports.js';
import type { LegacyTokenEnds, Lifetimes, SessionStore } from '../sessions/ports.js';
import { provesPassword } from './password-proof.js';
import type { AppGrants, ClientStore } from './ports.js';

export interface AccountDeps {
  clients: ClientStore;
  sessions: SessionStore;
  revocations: RevocationList;
  hasher: PasswordHashing;
  limits: AttemptLimits;
  blocklist: PasswordBlocklist;
  strength: StrengthRule;
  lifetimes: Lifetimes;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
  /** Password reset's one-time tokens; absent when recovery is not wired. */
  recovery?: Recovery;
  /** The person's grants to apps at the OpenID Provider; absent where none can exist. */
  appGrants?: AppGrants;
  /** Ends the person's tokens of the original service; absent or null when LEGACY_TOKENS_UNTIL is not set. */
  legacyTokenEnds?: LegacyTokenEnds | null;
}

export class Account {
  constructor(private readonly deps: AccountDeps) {}

  /** The caller's own record, without its hashes. */
  async getMe(caller: Principal): Promise<PublicClient> {
    const client = await this.deps.clients.findById(caller.clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    return publicClient(client);
  }

  /**
   * Changes the names of the calling user, checked as registration checks them: a name it
   * is not given stays as it is, an empty one is cleared.
   */
  async updateProfile(caller: Principal, input: { firstName?: string; lastName?: string }, request: RequestContext = NO_REQUEST): Promise<PublicClient> {
    if (caller.kind !== 'user') throw domainError('NOT_A_USER', 'only users have a first and a last name');
    const changes = {
      ...(input.firstName === undefined ? {} : { firstName: v.personName('first_name', input.firstName) }),
      ...(input.lastName === undefined ? {} : { lastName: v.personName('last_name', input.lastName) }),
    };
    const client = await this.deps.clients.findById(caller.clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    if (Object.keys(changes).length === 0) return publicClient(client);
    const updated = await this.deps.clients.update(client.id, { ...changes, updatedAt: new Date(this.deps.now()) });
    if (!updated) throw domainError('CLIENT_NOT_FOUND');
    const { clientId, sessionId } = caller;
    this.deps.audit.record({ type: 'profile.updated', outcome: 'success', actor: clientId, target: clientId, sessionId }, request);
    return publicClient(updated);
  }

  /**
   * Changes a user's password and revokes all its other sessions. Guesses of the current
   * password are counted like logins, so a stolen access token cannot brute-force it. The
   * reset links mailed before the change die with it: a link read from the mailbox by
   * whoever the user changed the password against must not set it back. So do the grants
   * the user gave apps, which are sessions too: ended here, not only when ending another
   * session happens to end them. So do its tokens of the original service, which name no
   * session: all of them, the caller's own too if it is one.
   */
  async changePassword(
    caller: Principal,
    input: { currentPassword: string; newPassword: string; source?: string },
    request: RequestContext = NO_REQUEST,
  ): Promise<void> {
    const { clients, sessions, hasher } = this.deps;
    if (caller.kind !== 'user') throw domainError('NOT_A_USER');
    if (input.currentPassword === '') throw invalidArgument('current_password', 'current_password is required');
    const newPassword = v.checkPassword('new_password', input.newPassword);
    const client = await clients.findById(caller.clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    this.deps.blocklist.check('new_password', newPassword, client.email);
    const record = { type: 'password.changed', actor: client.id, target: client.id, sessionId: caller.sessionId } as const;
    if (!(await provesPassword(this.deps, client, input.currentPassword, input.source ?? '', request.deadline))) {
      this.deps.audit.record({ ...record, outcome: 'failure', details: { reason: 'INVALID_CREDENTIALS' } }, request);
      throw domainError('INVALID_CREDENTIALS');
    }
    // Only a caller who proved the current password gets an estimate (milliseconds of this thread).
    await this.deps.strength.check('new_password', newPassword, client);

    const now = new Date(this.deps.now());
    await clients.update(client.id, { passwordHash: await hasher.hash(newPassword, request.deadline), updatedAt: now });
    await this.deps.recovery?.tokens.deleteAllOfClient(client.id, 'password_reset');
    const revoked = await sessions.revokeAllOfClient(client.id, now, caller.sessionId);
    await revokeAccessTokensOf(this.deps, client.id, revoked, now.getTime() + this.deps.lifetimes.accessToken * 1000);
    await this.deps.appGrants?.revokeGrantsOf(client.id);
    await this.deps.legacyTokenEnds?.endAllOf(client.id, now);
    this.deps.audit.record({ ...record, outcome: 'success' }, request);
  }
}
