/** GetMe and ChangePassword: what a client does with its own record. */
import { publicClient, type Principal, type PublicClient } from './client';
import { revokeAccessTokensOf } from './access-revocation';
import { domainError, invalidArgument } from './errors';
import * as v from './validation';
import type { Dependencies } from './dependencies';

export type AccountDeps = Pick<Dependencies, 'clients' | 'sessions' | 'revocations' | 'hasher' | 'lifetimes' | 'log' | 'now'>;

export class Account {
  constructor(private readonly deps: AccountDeps) {}

  /** The caller's own record, without its hashes. */
  async getMe(caller: Principal): Promise<PublicClient> {
    const client = await this.deps.clients.findById(caller.clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    return publicClient(client);
  }

  /** Changes a user's password and revokes all its other sessions. */
  async changePassword(caller: Principal, input: { currentPassword: string; newPassword: string }): Promise<void> {
    const { clients, sessions, hasher } = this.deps;
    if (caller.kind !== 'user') throw domainError('NOT_A_USER');
    if (input.currentPassword === '') throw invalidArgument('current_password', 'current_password is required');
    const newPassword = v.checkPassword('new_password', input.newPassword);
    const client = await clients.findById(caller.clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    const currentOk =
      Buffer.byteLength(input.currentPassword, 'utf8') <= v.PASSWORD_MAX_BYTES &&
      (await hasher.verify(input.currentPassword, client.passwordHash));
    if (!currentOk) throw domainError('INVALID_CREDENTIALS');

    const now = new Date(this.deps.now());
    await clients.update(client.id, { passwordHash: await hasher.hash(newPassword), updatedAt: now });
    const revoked = await sessions.revokeAllOfClient(client.id, now, caller.sessionId);
    await revokeAccessTokensOf(this.deps, client.id, revoked, now.getTime() + this.deps.lifetimes.accessToken * 1000);
  }
}
