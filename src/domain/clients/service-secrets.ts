/** ResetServiceSecret: an admin gives a service client a new secret. */
import { NO_REQUEST, type RequestContext } from './audit-event.js';
import { publicClient, requireAdmin, type Principal, type PublicClient } from './client.js';
import { requireClient } from './client-records.js';
import type { Dependencies } from './dependencies.js';
import { domainError } from './errors.js';
import { hashSecret, newSecret } from './secrets.js';

export type ServiceSecretsDeps = Pick<Dependencies, 'clients' | 'audit' | 'now'>;

export class ServiceSecrets {
  constructor(private readonly deps: ServiceSecretsDeps) {}

  /**
   * Gives a service client a new secret, returned this once and stored as a hash; the old
   * one stops working at once. Services imported from the original service have no secret
   * (it issued them non-expiring tokens instead), and this is how an admin gives them one.
   * Permission is checked before the client is looked up, so a non-admin learns nothing.
   */
  async resetServiceSecret(
    caller: Principal,
    input: { clientId: string },
    request: RequestContext = NO_REQUEST,
  ): Promise<{ client: PublicClient; clientSecret: string }> {
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
