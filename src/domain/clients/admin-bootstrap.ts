/** The admin named by ADMIN_EMAIL and ADMIN_PASSWORD, made ready at start-up. */

import type { PasswordBlocklist, PasswordHashing, StrengthRule } from '../abuse/ports.js';
import type { AuditRecorder } from '../audit/ports.js';
import { ADMIN_GROUP, BASE_GROUP, type ClientRecord, type PublicClient, publicClient } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { DomainError, domainError, invalidArgument } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { SYSTEM } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import { newOutboxEntry } from './outbox-entry.js';
import type { OutboxRelay } from './outbox-relay.js';
import type { ClientStore, Outbox } from './ports.js';
import { insertNewClient, newClientRecord } from './records.js';

export interface AdminBootstrapDeps {
  clients: ClientStore;
  hasher: PasswordHashing;
  blocklist: PasswordBlocklist;
  strength: StrengthRule;
  outbox: Outbox;
  /** Delivers what a use case just put in the outbox, now if it can. */
  relay: Pick<OutboxRelay, 'flush'>;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
}

export class AdminBootstrap {
  constructor(private readonly deps: AdminBootstrapDeps) {}

  /**
   * Ensures the configured admin exists, is in the admin group, is not suspended (a
   * suspended one is reinstated, with a warning: it is the way back in when every admin
   * was locked out) and has this password.
   */
  async ensureAdmin(emailInput: string, password: string): Promise<PublicClient> {
    const { clients, hasher } = this.deps;
    const email = v.normalizeEmail('ADMIN_EMAIL', emailInput);
    v.checkPassword('ADMIN_PASSWORD', password);
    // The admin's password meets the rules every other password meets: a weak one stops the start.
    this.deps.blocklist.check('ADMIN_PASSWORD', password, email);
    await this.deps.strength.check('ADMIN_PASSWORD', password, { email });
    const existing = await clients.findByEmail(email);
    if (!existing) {
      const record = newClientRecord('user', email, { groups: [BASE_GROUP.user, ADMIN_GROUP], passwordHash: await hasher.hash(password) }, this.deps.now());
      try {
        await insertNewClient(clients, record);
        this.recordBootstrap(record.id, [], record.groups);
        return publicClient(record);
      } catch (error) {
        // Another instance created it at the same moment: bring that one up to date.
        if (!(error instanceof DomainError && error.reason === 'EMAIL_TAKEN')) throw error;
        return this.ensureAdmin(emailInput, password);
      }
    }
    if (existing.kind !== 'user') throw invalidArgument('ADMIN_EMAIL', 'ADMIN_EMAIL belongs to a service client');
    const changes: Partial<ClientRecord> = {};
    if (!existing.groups.includes(ADMIN_GROUP)) changes.groups = [...existing.groups, ADMIN_GROUP];
    if (existing.suspended) {
      this.deps.log.warn({ adminId: existing.id }, 'the admin from ADMIN_EMAIL was suspended; reinstating it so the service stays administrable');
      Object.assign(changes, { suspended: false, suspensionReason: '', suspendedAt: null, suspendedBy: '' });
    }
    const passwordCurrent =
      existing.passwordHash !== null && (await hasher.verify(password, existing.passwordHash)) && !hasher.needsRehash(existing.passwordHash);
    if (!passwordCurrent) changes.passwordHash = await hasher.hash(password);
    if (Object.keys(changes).length === 0) return publicClient(existing);
    const updated = await clients.update(existing.id, { ...changes, updatedAt: new Date(this.deps.now()) });
    if (!updated) throw domainError('CLIENT_NOT_FOUND');
    if (existing.suspended) {
      await this.deps.outbox.add(newOutboxEntry('client.reinstated', existing, { by: existing.id, at: new Date(this.deps.now()) }));
      await this.deps.relay.flush();
    }
    this.recordBootstrap(existing.id, existing.groups, updated.groups);
    return publicClient(updated);
  }

  /** Recorded only when the admin was created or changed, so a restart adds no record. */
  private recordBootstrap(target: string, groupsBefore: string[], groupsAfter: string[]): void {
    this.deps.audit.record({ type: 'admin.bootstrapped', outcome: 'success', actor: SYSTEM, target, details: { groupsBefore, groupsAfter } });
  }
}
