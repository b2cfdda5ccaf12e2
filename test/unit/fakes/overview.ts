/** The admin Overview's counts over the other fakes' records, for unit tests. */
import type { AuditEventType } from '../../../src/domain/audit/ports.js';
import type { OutboxEventType } from '../../../src/domain/clients/ports.js';
import type { ClientTally, OverviewCounts } from '../../../src/domain/overview/ports.js';
import type { FakeAuditLog } from './audit-log.js';
import type { FakeClientStore, FakeOutbox, FakeSessionStore } from './world.js';

export class FakeOverviewCounts implements OverviewCounts {
  constructor(private readonly parts: { clients: FakeClientStore; sessions: FakeSessionStore; outbox: FakeOutbox; auditLog: FakeAuditLog }) {}

  async clients(): Promise<ClientTally[]> {
    const tallies = new Map<string, ClientTally>();
    for (const { client, deletion } of this.parts.clients.records.values()) {
      if (deletion) continue;
      const key = `${client.kind}|${client.suspended}`;
      const tally = tallies.get(key) ?? { kind: client.kind, suspended: client.suspended, count: 0 };
      tally.count++;
      tallies.set(key, tally);
    }
    return [...tallies.values()];
  }

  async liveSessions(now: Date): Promise<number> {
    return [...this.parts.sessions.sessions.values()].filter((session) => !session.revokedAt && session.expiresAt > now).length;
  }

  async auditEvents(types: readonly AuditEventType[], since: Date): Promise<number> {
    return [...this.parts.auditLog.records.values()].filter((event) => types.includes(event.type) && event.at >= since).length;
  }

  async pendingOutbox(type: OutboxEventType): Promise<number> {
    return this.parts.outbox.entries.filter((entry) => entry.type === type && !entry.deliveredAt).length;
  }
}
