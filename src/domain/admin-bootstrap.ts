/** The admin named by ADMIN_EMAIL and ADMIN_PASSWORD, made ready at start-up. */
import { ADMIN_GROUP, BASE_GROUP, publicClient, type ClientRecord, type PublicClient } from './client';
import { insertNewClient, newClientRecord } from './client-records';
import { DomainError, domainError, invalidArgument } from './errors';
import * as v from './validation';
import type { Dependencies } from './dependencies';

export type AdminBootstrapDeps = Pick<Dependencies, 'clients' | 'hasher' | 'now'>;

export class AdminBootstrap {
  constructor(private readonly deps: AdminBootstrapDeps) {}

  /** Ensures the configured admin exists, is in the admin group and has this password. */
  async ensureAdmin(emailInput: string, password: string): Promise<PublicClient> {
    const { clients, hasher } = this.deps;
    const email = v.normalizeEmail('ADMIN_EMAIL', emailInput);
    v.checkPassword('ADMIN_PASSWORD', password);
    const existing = await clients.findByEmail(email);
    if (!existing) {
      const record = newClientRecord(
        'user',
        email,
        { groups: [BASE_GROUP.user, ADMIN_GROUP], passwordHash: await hasher.hash(password) },
        this.deps.now(),
      );
      try {
        await insertNewClient(clients, record);
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
    const passwordCurrent =
      existing.passwordHash !== null && (await hasher.verify(password, existing.passwordHash)) && !hasher.needsRehash(existing.passwordHash);
    if (!passwordCurrent) changes.passwordHash = await hasher.hash(password);
    if (Object.keys(changes).length === 0) return publicClient(existing);
    const updated = await clients.update(existing.id, { ...changes, updatedAt: new Date(this.deps.now()) });
    if (!updated) throw domainError('CLIENT_NOT_FOUND');
    return publicClient(updated);
  }
}
