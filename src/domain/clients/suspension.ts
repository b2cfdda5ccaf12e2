/** SuspendClient and ReinstateClient. */

import type { AuditRecorder } from '../audit/ports.js';
import { type Principal, type PublicClient, publicClient, requireAdmin } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import { type RevocationList, revokeAccessTokensOf } from '../revocation/ports.js';
import type { Lifetimes, SessionStore } from '../sessions/ports.js';
import { keepingAnAdmin } from './last-admin.js';
import { newOutboxEntry } from './outbox-entry.js';
import type { OutboxRelay } from './outbox-relay.js';
import type { ClientStore, Outbox } from './ports.js';
import { requireClient } from './records.js';

export interface SuspensionDeps {
  clients: ClientStore;
  sessions: SessionStore;
  outbox: Outbox;
  revocations: RevocationList;
  /** Delivers what a use case just put in the outbox, now if it can. */
  relay: Pick<OutboxRelay, 'flush'>;
  lifetimes: Lifetimes;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
}

export class Suspension {
  constructor(private readonly deps: SuspensionDeps) {}

  /** Suspends a client everywhere: record, sessions, revocation list, event. Idempotent; a refusal is audited too. */
  suspendClient(caller: Principal, input: { clientId: string; reason: string }, request: RequestContext = NO_REQUEST): Promise<PublicClient> {
    const attempt = { type: 'client.suspended', actor: caller.clientId, target: input.clientId } as const;
    return this.deps.audit.refusals(request, attempt, () => this.suspend(caller, input, request));
  }

  /** Lifts a suspension. Sessions revoked by it stay revoked. Idempotent; a refusal is audited too. */
  reinstateClient(caller: Principal, input: { clientId: string }, request: RequestContext = NO_REQUEST): Promise<PublicClient> {
    const attempt = { type: 'client.reinstated', actor: caller.clientId, target: input.clientId } as const;
    return this.deps.audit.refusals(request, attempt, () => this.reinstate(caller, input, request));
  }

  private async suspend(caller: Principal, input: { clientId: string; reason: string }, request: RequestContext): Promise<PublicClient> {
    const { clients, sessions, outbox, relay } = this.deps;
    requireAdmin(caller);
    const reason = v.text('reason', input.reason, 500);
    const client = await requireClient(clients, input.clientId);
    const now = new Date(this.deps.now());
    const updated = await keepingAnAdmin(clients, client, {
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
    this.deps.audit.record({ type: 'client.suspended', outcome: 'success', actor: caller.clientId, target: client.id, details: { reason } }, request);
    return publicClient(updated);
  }

  private async reinstate(caller: Principal, input: { clientId: string }, request: RequestContext): Promise<PublicClient> {
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
    this.deps.audit.record({ type: 'client.reinstated', outcome: 'success', actor: caller.clientId, target: client.id }, request);
    return publicClient(updated);
  }
}
