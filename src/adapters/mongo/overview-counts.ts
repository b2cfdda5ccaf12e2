import type { Db } from 'mongodb';
import type { AuditEventType } from '../../domain/audit/ports.js';
import type { OutboxEventType } from '../../domain/clients/ports.js';
import type { ClientKind } from '../../domain/kernel/client.js';
import type { ClientTally, OverviewCounts } from '../../domain/overview/ports.js';
import { withMongoOutages } from './mongo-outages.js';

const KINDS: readonly ClientKind[] = ['user', 'service'];

/**
 * The admin Overview's counts, one `countDocuments` each on an index its collection's
 * adapter creates: clients `{kind, suspended}`, sessions `{revokedAt, expiresAt}`, audit
 * events `{type, at}`, the outbox `{deliveredAt}`. Plain counts, no aggregation pipeline:
 * FerretDB runs them as MongoDB does (its SQLite backend reads the collection for them,
 * docs/console.md says so).
 */
export class MongoOverviewCounts implements OverviewCounts {
  constructor(private readonly db: Db) {
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the overview counts');
  }

  async clients(): Promise<ClientTally[]> {
    const clients = this.db.collection('clients');
    const pairs = KINDS.flatMap((kind) => [false, true].map((suspended) => ({ kind, suspended })));
    // Marked deleted clients are invisible to every port (MongoClientStore's LIVE).
    const counts = await Promise.all(pairs.map((pair) => clients.countDocuments({ ...pair, deletion: { $exists: false } })));
    return pairs.map((pair, i) => ({ ...pair, count: counts[i]! }));
  }

  async liveSessions(now: Date): Promise<number> {
    return this.db.collection('sessions').countDocuments({ revokedAt: null, expiresAt: { $gt: now } });
  }

  async auditEvents(types: readonly AuditEventType[], since: Date): Promise<number> {
    return this.db.collection('audit_events').countDocuments({ type: { $in: [...types] }, at: { $gte: since } });
  }

  async pendingOutbox(type: OutboxEventType): Promise<number> {
    return this.db.collection('outbox').countDocuments({ deliveredAt: null, type });
  }
}
