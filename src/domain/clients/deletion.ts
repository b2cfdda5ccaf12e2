/**
 * DeleteClient, and the recovery that finishes a deletion a crash interrupted.
 *
 * The order is what makes a crash harmless. The client is first marked deleted, with its
 * deletion request, in one change of its record (no store we support has transactions,
 * and one record change is atomic on all of them); from then on it is gone for every use
 * case. Only then is the request written to the outbox (idempotent by the request's id),
 * and then the sessions and the record are removed. A crash before the mark leaves a
 * client that was never deleted and never announced; a crash after it leaves a marked
 * client, which `finishPendingDeletions` (at start-up and on every relay pass) carries
 * through the same remaining steps, announcing it exactly once.
 */

import type { AuditRecorder } from '../audit/ports.js';
import { ADMIN_GROUP, type ClientKind, isAdmin, type Principal } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { describeError } from '../kernel/error-text.js';
import { domainError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import type { Recovery } from '../recovery/ports.js';
import type { SecondFactorStore } from '../second-factor/ports.js';
import type { SessionStore } from '../sessions/ports.js';
import { isActiveAdmin, keepingAnAdmin } from './last-admin.js';
import { newOutboxEntry } from './outbox-entry.js';
import type { OutboxRelay } from './outbox-relay.js';
import type { ClientStore, MarkedClient, Outbox } from './ports.js';

/** A deletion request as callers see it. */
export interface DeletionRequestView {
  clientId: string;
  kind: ClientKind;
  requestedAt: Date;
  requestedBy: string;
  deliveredAt: Date | null;
}

/** The points between the steps of a deletion, in order. */
export type DeletionStep = 'found' | 'marked' | 'queued' | 'sessions-removed';

/**
 * Called after each step. Production passes none; tests throw from it to stand for a
 * crash at that point.
 */
export type DeletionStepHook = (step: DeletionStep, clientId: string) => void | Promise<void>;

export interface DeletionDeps {
  clients: ClientStore;
  sessions: SessionStore;
  secondFactors: SecondFactorStore;
  outbox: Outbox;
  /** Delivers what a use case just put in the outbox, now if it can. */
  relay: Pick<OutboxRelay, 'flush'>;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
  /** Password reset and email verification (mail, one-time tokens); absent when neither is wired. */
  recovery?: Recovery;
  afterStep?: DeletionStepHook;
}

/** How many half-done deletions one recovery pass finishes at most. */
const RECOVERY_BATCH = 100;

export class Deletion {
  /** Whether the last recovery pass failed, so an outage is logged once, not every pass. */
  private recoveryFailing = false;

  constructor(private readonly deps: DeletionDeps) {}

  /**
   * Deletes a client (itself, or anyone for an admin) and requests the deletion of its
   * data everywhere; the relay delivers the request now if it can and retries until it can.
   */
  deleteClient(caller: Principal, input: { clientId: string }, request: RequestContext = NO_REQUEST): Promise<DeletionRequestView> {
    const attempt = { type: 'client.deleted', actor: caller.clientId, target: input.clientId === '' ? caller.clientId : input.clientId } as const;
    return this.deps.audit.refusals(request, attempt, () => this.delete(caller, input, request));
  }

  private async delete(caller: Principal, input: { clientId: string }, request: RequestContext): Promise<DeletionRequestView> {
    const targetId = input.clientId === '' ? caller.clientId : input.clientId;
    if (targetId !== caller.clientId && !isAdmin(caller)) throw domainError('PERMISSION_DENIED', 'only an admin may delete another client');
    v.clientId('client_id', targetId);
    const client = await this.deps.clients.findById(targetId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    // An admin leaves the admins first: the last active one is refused here, before anything is gone.
    if (isActiveAdmin(client)) await keepingAnAdmin(this.deps.clients, client, { groups: client.groups.filter((group) => group !== ADMIN_GROUP) });
    await this.step('found', client.id);

    const now = this.deps.now();
    const marked = await this.deps.clients.markDeleted(client.id, { requestId: newId(now), at: new Date(now), by: caller.clientId });
    if (!marked) throw domainError('CLIENT_NOT_FOUND');
    await this.step('marked', client.id);
    this.deps.audit.record({ type: 'client.deleted', outcome: 'success', actor: caller.clientId, target: client.id }, request);
    await this.finish(marked);

    const delivered = await this.deps.relay.flush();
    if (!delivered) this.deps.log.warn({ clientId: client.id }, 'deletion request queued in the outbox; the relay will deliver it');
    return {
      clientId: client.id,
      kind: client.kind,
      requestedAt: marked.deletion.at,
      requestedBy: marked.deletion.by,
      deliveredAt: delivered ? new Date(this.deps.now()) : null,
    };
  }

  /**
   * Finishes every deletion that was marked but not carried through (announced and
   * removed). Never rejects: a failure is logged once per outage and retried next pass.
   * Returns how many it finished.
   */
  async finishPendingDeletions(): Promise<number> {
    let finished = 0;
    try {
      for (;;) {
        const marked = await this.deps.clients.listMarkedDeleted(RECOVERY_BATCH);
        for (const pending of marked) {
          await this.finish(pending);
          this.deps.log.info({ clientId: pending.client.id }, 'finished a deletion interrupted before it was complete');
        }
        finished += marked.length;
        if (marked.length < RECOVERY_BATCH) break;
      }
      this.recoveryFailing = false;
    } catch (error) {
      if (!this.recoveryFailing) this.deps.log.warn({ err: describeError(error) }, 'interrupted deletions cannot be finished now; retrying');
      this.recoveryFailing = true;
    }
    return finished;
  }

  /** The steps after the mark; each is idempotent, so a retry after a crash repeats none of their effects. */
  private async finish({ client, deletion }: MarkedClient): Promise<void> {
    const entry = newOutboxEntry('client.deletion_requested', client, { id: deletion.requestId, by: deletion.by, at: deletion.at });
    await this.deps.outbox.add(entry);
    await this.step('queued', client.id);
    await this.deps.sessions.deleteAllOfClient(client.id);
    await this.deps.secondFactors.deleteAllOfClient(client.id);
    await this.deps.recovery?.tokens.deleteAllOfClient(client.id);
    await this.deps.recovery?.mailer.forget(client.id);
    await this.step('sessions-removed', client.id);
    await this.deps.clients.delete(client.id);
  }

  private async step(step: DeletionStep, clientId: string): Promise<void> {
    await this.deps.afterStep?.(step, clientId);
  }
}
