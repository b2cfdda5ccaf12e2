/** SuspendClient and ReinstateClient. */
import { revokeAccessTokensOf } from './access-revocation';
import { publicClient, requireAdmin, type Principal, type PublicClient } from './client';
import { requireClient } from './client-records';
import { domainError } from './errors';
import { newOutboxEntry } from './outbox-entry';
import * as v from './validation';
import type { Dependencies } from './dependencies';

export type SuspensionDeps = Pick<Dependencies, 'clients' | 'sessions' | 'outbox' | 'revocations' | 'relay' | 'lifetimes' | 'log' | 'now'>;

export class Suspension {
  constructor(private readonly deps: SuspensionDeps) {}

  /** Suspends a client everywhere: record, sessions, revocation list, event. Idempotent. */
  async suspendClient(caller: Principal, input: { clientId: string; reason: string }): Promise<PublicClient> {
    const { clients, sessions, outbox, relay } = this.deps;
    requireAdmin(caller);
    const reason = v.text('reason', input.reason, 500);
    const client = await requireClient(clients, input.clientId);
    const now = new Date(this.deps.now());
    const updated = await clients.update(client.id, {
      suspended: true,
      suspensionReason: reason,
      suspendedAt: now,
      suspendedBy: caller.clientId,
      updatedAt: now,
    });
    if (!updated) throw domainError('CLIENT_NOT_FOUND');
    const revoked = await sessions.revokeAllOfClient(client.id, now);
    await outbox.add(newOutboxEntry('client.suspended', client, { by: caller.clientId, at: now, reason }));
    await relay.flush();
    // While suspended, the client mark refuses every token; listing the sessions too keeps
    // their access tokens dead after a reinstatement.
    await revokeAccessTokensOf(this.deps, client.id, revoked, now.getTime() + this.deps.lifetimes.accessToken * 1000);
    return publicClient(updated);
  }

  /** Lifts a suspension. Sessions revoked by it stay revoked. Idempotent. */
  async reinstateClient(caller: Principal, input: { clientId: string }): Promise<PublicClient> {
    const { clients, outbox, relay } = this.deps;
    requireAdmin(caller);
    const client = await requireClient(clients, input.clientId);
    const now = new Date(this.deps.now());
    const updated = await clients.update(client.id, {
      suspended: false,
      suspensionReason: '',
      suspendedAt: null,
      suspendedBy: '',
      updatedAt: now,
    });
    if (!updated) throw domainError('CLIENT_NOT_FOUND');
    await outbox.add(newOutboxEntry('client.reinstated', client, { by: caller.clientId, at: now }));
    await relay.flush();
    return publicClient(updated);
  }
}
