/** The OverviewCounts port's guarantees, asserted against every adapter, and the indexes that serve it. */
import { expect } from 'chai';
import { SqliteAuditLog } from '../../src/adapters/embedded/sqlite-audit-log.js';
import { SqliteClientStore } from '../../src/adapters/embedded/sqlite-client-store.js';
import { SqliteOutbox } from '../../src/adapters/embedded/sqlite-outbox.js';
import { SqliteOverviewCounts } from '../../src/adapters/embedded/sqlite-overview-counts.js';
import { SqliteSessionStore } from '../../src/adapters/embedded/sqlite-session-store.js';
import { MongoAuditLog } from '../../src/adapters/mongo/audit-log.js';
import { MongoClientStore } from '../../src/adapters/mongo/client-store.js';
import { MongoOutbox } from '../../src/adapters/mongo/outbox.js';
import { MongoOverviewCounts } from '../../src/adapters/mongo/overview-counts.js';
import { MongoSessionStore } from '../../src/adapters/mongo/session-store.js';
import type { AuditEvent, AuditEventType, AuditLog } from '../../src/domain/audit/ports.js';
import type { ClientStore, Outbox, OutboxEntry } from '../../src/domain/clients/ports.js';
import { newId } from '../../src/domain/kernel/ids.js';
import type { OverviewCounts } from '../../src/domain/overview/ports.js';
import type { SessionStore } from '../../src/domain/sessions/ports.js';
import { ferretDatabases, openSqlite } from './backends.js';
import { aClientRecord, sqlitePlansOf } from './store-fixtures.js';

interface Stores {
  counts: OverviewCounts;
  clients: ClientStore;
  sessions: SessionStore;
  auditLog: AuditLog;
  outbox: Outbox;
  close(): Promise<void>;
}

const NOW = new Date(Date.UTC(2026, 11, 7, 12, 0, 0));
const HOUR = 3600_000;
function anEvent(type: AuditEventType, at: Date): AuditEvent {
  return { id: newId(at.getTime()), at, type, outcome: 'success', actor: 'a', target: 'b', sessionId: '', ip: '', userAgent: '', requestId: '', details: {} };
}

function anEntry(type: OutboxEntry['type'], deliveredAt: Date | null): OutboxEntry {
  return { id: newId(), type, clientId: newId(), clientKind: 'user', at: NOW, by: 'admin', reason: '', deliveredAt };
}

async function addSession(sessions: SessionStore, clientId: string, expiresAt: Date, revokedAt: Date | null = null): Promise<void> {
  const id = newId();
  await sessions.create(
    { id, clientId, createdAt: NOW, expiresAt, revokedAt },
    { hash: newId(), sessionId: id, clientId, parent: `root:${id}`, createdAt: NOW, expiresAt },
  );
}

function overviewCountsContract(open: () => Promise<Stores>): void {
  let stores: Stores;
  beforeEach(async () => {
    stores = await open();
  });
  afterEach(async () => stores?.close());

  it('counts the clients by kind and suspension, leaving out those marked deleted', async () => {
    const { clients, counts } = stores;
    for (const client of [
      aClientRecord({}, NOW.getTime()),
      aClientRecord({}, NOW.getTime()),
      aClientRecord({ suspended: true }, NOW.getTime()),
      aClientRecord({ kind: 'service', groups: ['service'] }, NOW.getTime()),
    ])
      await clients.insert(client);
    const deleted = aClientRecord({}, NOW.getTime());
    await clients.insert(deleted);
    await clients.markDeleted(deleted.id, { requestId: newId(), at: NOW, by: 'admin' });
    const tallies = (await counts.clients()).filter((tally) => tally.count > 0);
    expect(tallies).to.have.deep.members([
      { kind: 'user', suspended: false, count: 2 },
      { kind: 'user', suspended: true, count: 1 },
      { kind: 'service', suspended: false, count: 1 },
    ]);
  });

  it('counts the sessions neither revoked nor expired', async () => {
    const { sessions, counts } = stores;
    const clientId = newId();
    await addSession(sessions, clientId, new Date(NOW.getTime() + HOUR));
    await addSession(sessions, clientId, new Date(NOW.getTime() + 2 * HOUR));
    await addSession(sessions, clientId, new Date(NOW.getTime() + HOUR), NOW);
    await addSession(sessions, clientId, new Date(NOW.getTime() - 1));
    expect(await counts.liveSessions(NOW)).to.equal(2);
    expect(await counts.liveSessions(new Date(NOW.getTime() + HOUR + 1))).to.equal(1);
  });

  it('counts the audit events of the given types from a time on', async () => {
    const { auditLog, counts } = stores;
    const since = new Date(NOW.getTime() - 24 * HOUR);
    await auditLog.append([
      anEvent('login.succeeded', NOW),
      anEvent('second_factor.passed', since),
      anEvent('login.succeeded', new Date(since.getTime() - 1)),
      anEvent('login.failed', NOW),
      anEvent('logout', NOW),
    ]);
    expect(await counts.auditEvents(['login.succeeded', 'second_factor.passed'], since)).to.equal(2);
    expect(await counts.auditEvents(['login.failed'], since)).to.equal(1);
    expect(await counts.auditEvents([], since)).to.equal(0);
  });

  it('counts the outbox entries of a type not delivered yet', async () => {
    const { outbox, counts } = stores;
    await outbox.add(anEntry('client.deletion_requested', null));
    await outbox.add(anEntry('client.deletion_requested', null));
    await outbox.add(anEntry('client.deletion_requested', NOW));
    await outbox.add(anEntry('client.suspended', null));
    expect(await counts.pendingOutbox('client.deletion_requested')).to.equal(2);
  });
}

describe('OverviewCounts contract', () => {
  describe('on SQLite (embedded)', () => {
    overviewCountsContract(async () => {
      const sqlite = await openSqlite();
      const { db } = sqlite;
      return {
        counts: new SqliteOverviewCounts(db),
        clients: new SqliteClientStore(db),
        sessions: new SqliteSessionStore(db),
        auditLog: new SqliteAuditLog(db),
        outbox: new SqliteOutbox(db),
        close: sqlite.close,
      };
    });

    it('answers every count from an index that covers its filter, never reading the tables', async () => {
      const sqlite = await openSqlite();
      try {
        const plans = sqlitePlansOf(sqlite.db, ['get', 'all']);
        const counts = new SqliteOverviewCounts(sqlite.db);
        await counts.clients();
        await counts.liveSessions(NOW);
        await counts.auditEvents(['login.failed', 'second_factor.failed'], NOW);
        await counts.pendingOutbox('client.deletion_requested');
        expect(plans).to.have.length(4);
        expect(plans[0]).to.match(/SCAN clients USING COVERING INDEX clients_kind_suspended/);
        expect(plans[1]).to.match(/SEARCH sessions USING COVERING INDEX sessions_live/);
        expect(plans[2]).to.match(/SEARCH audit_events USING COVERING INDEX audit_events_type_at/);
        expect(plans[3]).to.match(/SEARCH outbox USING COVERING INDEX outbox_pending_type/);
        for (const plan of plans) expect(plan).to.not.match(/TEMP B-TREE/);
      } finally {
        await sqlite.close();
      }
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    overviewCountsContract(async () => {
      const { db, close } = await openDatabase();
      const clients = new MongoClientStore(db);
      const sessions = new MongoSessionStore(db);
      const auditLog = new MongoAuditLog(db);
      const outbox = new MongoOutbox(db);
      await clients.ensureIndexes();
      await sessions.ensureIndexes();
      await auditLog.ensureIndexes();
      await outbox.ensureIndexes();
      return { counts: new MongoOverviewCounts(db), clients, sessions, auditLog, outbox, close };
    });

    it('has an index on the fields each count filters, created by the adapter of its collection', async () => {
      const { db, close } = await openDatabase();
      try {
        await new MongoClientStore(db).ensureIndexes();
        await new MongoSessionStore(db).ensureIndexes();
        await new MongoAuditLog(db).ensureIndexes();
        await new MongoOutbox(db).ensureIndexes();
        const keys = async (collection: string) => (await db.collection(collection).indexes()).map((index) => JSON.stringify(index.key));
        expect(await keys('clients')).to.include('{"kind":1,"suspended":1}');
        expect(await keys('sessions')).to.include('{"revokedAt":1,"expiresAt":1}');
        expect(await keys('audit_events')).to.include('{"type":1,"at":1}');
        expect(await keys('outbox')).to.include('{"deliveredAt":1}');
      } finally {
        await close();
      }
    });
  });
});
