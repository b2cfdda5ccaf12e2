/** GetMe and ChangePassword: what a client does with its own record. */
import { publicClient, type Principal, type PublicClient } from './client.js';
import { revokeAccessTokensOf } from './access-revocation.js';
import { NO_REQUEST, type RequestContext } from './audit-event.js';
import { domainError, invalidArgument } from './errors.js';
import * as v from './validation.js';
import type { Dependencies } from './dependencies.js';

export type AccountDeps = Pick<Dependencies, 'clients' | 'sessions' | 'revocations' | 'hasher' | 'limits' | 'blocklist' | 'lifetimes' | 'log' | 'audit' | 'now'>;

export class Account {
  constructor(private readonly deps: AccountDeps) {}

  /** The caller's own record, without its hashes. */
  async getMe(caller: Principal): Promise<PublicClient> {
    const client = await this.deps.clients.findById(caller.clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    return publicClient(client);
  }

  /**
   * Changes a user's password and revokes all its other sessions. Guesses of the current
   * password are counted like logins, so a stolen access token cannot brute-force it.
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
    const { attempt, currentOk } = await hasher.withPlace(async (place) => {
      const attempt = await this.deps.limits.beginPasswordCheck(client.id, input.source ?? '');
      const currentOk = Buffer.byteLength(input.currentPassword, 'utf8') <= v.PASSWORD_MAX_BYTES && (await place.verify(input.currentPassword, client.passwordHash));
      return { attempt, currentOk };
    });
    const record = { type: 'password.changed', actor: client.id, target: client.id, sessionId: caller.sessionId } as const;
    if (!currentOk) {
      this.deps.audit.record({ ...record, outcome: 'failure', details: { reason: 'INVALID_CREDENTIALS' } }, request);
      throw domainError('INVALID_CREDENTIALS');
    }
    await attempt.succeeded();

    const now = new Date(this.deps.now());
    await clients.update(client.id, { passwordHash: await hasher.hash(newPassword), updatedAt: now });
    const revoked = await sessions.revokeAllOfClient(client.id, now, caller.sessionId);
    await revokeAccessTokensOf(this.deps, client.id, revoked, now.getTime() + this.deps.lifetimes.accessToken * 1000);
    this.deps.audit.record({ ...record, outcome: 'success' }, request);
  }
}
