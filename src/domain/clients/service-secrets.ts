/** ResetServiceSecret: an admin gives a service client a new secret. */

import type { AuditRecorder } from '../audit/ports.js';
import { type Principal, type PublicClient, publicClient, requireAdmin } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError } from '../kernel/errors.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import { hashSecret, newSecret } from '../kernel/secrets.js';
import type { ClientStore } from './ports.js';
import { requireClient } from './records.js';

export interface ServiceSecretsDeps {
  clients: ClientStore;
  audit: AuditRecorder;
  now: Clock;
}

export class ServiceSecrets {
  constructor(private readonly deps: ServiceSecretsDeps) {}

  /**
   * Gives a service client a new secret, returned this once and stored as a hash; the old
   * one stops working at once. Services imported from the original service have no secret
   * (it issued them non-expiring tokens instead), and this is how an admin gives them one.
   * Permission is checked before the client is looked up, so a non-admin learns nothing.
   */
  resetServiceSecret(
    caller: Principal,
    input: { clientId: string },
    request: RequestContext = NO_REQUEST,
  ): Promise<{ client: PublicClient; clientSecret: string }> {
    const attempt = { type: 'service_secret.reset', actor: caller.clientId, target: input.clientId } as const;
    return this.deps.audit.refusals(request, attempt, () => this.reset(caller, input, request));
  }

  private async reset(caller: Principal, input: { clientId: string }, request: RequestContext): Promise<{ client: PublicClient; clientSecret: string }> {
    requireAdmin(caller);
    const client = await requireClient(this.deps.clients, input.clientId);
    if (client.kind !== 'service') throw domainError('NOT_A_SERVICE');
    const clientSecret = newSecret();
    const updated = await this.deps.clients.update(client.id, { secretHash: hashSecret(clientSecret), updatedAt: new Date(this.deps.now()) });
    if (!updated) throw domainError('CLIENT_NOT_FOUND');
    this.deps.audit.record({ type: 'service_secret.reset', outcome: 'success', actor: caller.clientId, target: client.id }, request);
    return { client: publicClient(updated), clientSecret };
  }
}
