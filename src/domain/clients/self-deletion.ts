/**
 * DeleteMyAccount: a user deletes its own account after re-entering its password, so an
 * access token left on a shared computer cannot do it. The password is checked as
 * ChangePassword checks it (password-proof.ts), and the deletion is DeleteClient's, with its
 * cascade and its last-admin rule.
 */

import type { AuditRecorder } from '../audit/ports.js';
import type { Principal } from '../kernel/client.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import type { Deletion, DeletionRequestView } from './deletion.js';
import { type PasswordProofDeps, provesPassword } from './password-proof.js';
import type { ClientStore } from './ports.js';

export interface SelfDeletionDeps extends PasswordProofDeps {
  clients: ClientStore;
  audit: AuditRecorder;
}

export class SelfDeletion {
  constructor(
    private readonly deps: SelfDeletionDeps,
    private readonly deletion: Pick<Deletion, 'deleteClient'>,
  ) {}

  /** Deletes the calling user, whose password `password` must be. */
  async deleteMyAccount(caller: Principal, input: { password: string; source?: string }, request: RequestContext = NO_REQUEST): Promise<DeletionRequestView> {
    if (caller.kind !== 'user') throw domainError('NOT_A_USER');
    if (input.password === '') throw invalidArgument('password', 'password is required');
    const client = await this.deps.clients.findById(caller.clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    if (!(await provesPassword(this.deps, client, input.password, input.source ?? '', request.deadline))) {
      const record = { type: 'client.deleted', actor: client.id, target: client.id, sessionId: caller.sessionId } as const;
      this.deps.audit.record({ ...record, outcome: 'failure', details: { reason: 'INVALID_CREDENTIALS' } }, request);
      throw domainError('INVALID_CREDENTIALS');
    }
    return this.deletion.deleteClient(caller, { clientId: client.id }, request);
  }
}
