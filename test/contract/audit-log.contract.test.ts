/** The AuditLog port's guarantees, asserted against every adapter, and the Redis audit stream. */
import { expect } from 'chai';
import { SqliteAuditLog } from '../../src/adapters/embedded/sqlite-audit-log.js';
import { MongoAuditLog } from '../../src/adapters/mongo/audit-log.js';
import { RedisAuditStream } from '../../src/adapters/redis/audit-stream.js';
import type { AuditEvent, AuditEventType, AuditLog } from '../../src/domain/audit/ports.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { ferretDatabases, openSqlite, redisConnections, uniqueName } from './backends.js';
import { sqlitePlansOf } from './store-fixtures.js';

type OpenAuditLog = () => Promise<{ log: AuditLog; reopen(): AuditLog; close(): Promise<void> }>;

const START = Date.UTC(2026, 1, 3, 4, 5, 6, 789);
const TARGET = newId();
const ADMIN = newId();

/** Records of the given types, one second apart, so their ids and times are in write order. */
function records(...types: AuditEventType[]): AuditEvent[] {
  return types.map((type, i) => ({
    id: newId(START + i * 1000),
    at: new Date(START + i * 1000),
    type,
    outcome: type === 'login.failed' ? 'failure' : 'success',
    actor: type.startsWith('login') ? 'anonymous' : ADMIN,
    target: i % 2 === 0 ? TARGET : newId(),
    sessionId: '',
    ip: '192.0.2.7',
    userAgent: 'contract',
    requestId: `request-${i}`,
    details: type === 'groups.changed' ? { groupsBefore: ['user'], groupsAfter: ['user', 'admin'] } : { reason: 'INVALID_CREDENTIALS' },
  }));
}

function auditLogContract(open: OpenAuditLog): void {
  let log: AuditLog;
  let reopen: () => AuditLog;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ log, reopen, close } = await open());
  });
  afterEach(async () => close?.());
  const ids = (list: AuditEvent[]) => list.map((event) => event.id);

  it('stores a batch appended twice once, and reads it back whole, newest first', async () => {
    const batch = records('login.failed', 'groups.changed', 'client.suspended');
    await log.append(batch);
    await log.append(batch);
    expect(await log.list({ limit: 10 })).to.deep.equal([...batch].reverse());
  });

  it('keeps the records for the next process that opens the store', async () => {
    const batch = records('login.failed');
    await log.append(batch);
    expect(await reopen().list({ limit: 10 })).to.deep.equal(batch);
  });

  it('filters by target, actor, type, outcome and time range', async () => {
    const batch = records('login.failed', 'groups.changed', 'login.succeeded', 'client.suspended', 'login.failed');
    await log.append(batch);
    const [first, second, third, fourth, fifth] = batch;
    expect(ids(await log.list({ target: TARGET, limit: 10 }))).to.deep.equal(ids([fifth!, third!, first!]));
    expect(ids(await log.list({ actor: ADMIN, limit: 10 }))).to.deep.equal(ids([fourth!, second!]));
    expect(ids(await log.list({ types: ['login.failed', 'login.succeeded'], limit: 10 }))).to.deep.equal(ids([fifth!, third!, first!]));
    expect(ids(await log.list({ outcome: 'failure', target: TARGET, limit: 10 }))).to.deep.equal(ids([fifth!, first!]));
    expect(ids(await log.list({ from: second!.at, to: fourth!.at, limit: 10 }))).to.deep.equal(ids([third!, second!]));
  });

  it('filters by client IP, alone and with the other filters', async () => {
    const batch = records('login.failed', 'login.failed', 'login.succeeded', 'client.suspended').map((event, i) => ({
      ...event,
      ip: i % 2 === 0 ? '198.51.100.23' : '2001:db8::23',
    }));
    await log.append(batch);
    const [first, second, third, fourth] = batch;
    expect(ids(await log.list({ ip: '198.51.100.23', limit: 10 }))).to.deep.equal(ids([third!, first!]));
    expect(ids(await log.list({ ip: '2001:db8::23', limit: 10 }))).to.deep.equal(ids([fourth!, second!]));
    expect(ids(await log.list({ ip: '198.51.100.23', outcome: 'failure', limit: 10 }))).to.deep.equal(ids([first!]));
    expect(ids(await log.list({ ip: '2001:db8::23', from: third!.at, limit: 10 }))).to.deep.equal(ids([fourth!]));
    expect(await log.list({ ip: '198.51.100.99', limit: 10 })).to.deep.equal([]);
  });

  it('pages with beforeId, stable while newer records arrive', async () => {
    const batch = records('login.failed', 'login.failed', 'login.failed', 'login.failed');
    await log.append(batch.slice(0, 3));
    const page = await log.list({ limit: 2 });
    await log.append(batch.slice(3));
    const next = await log.list({ beforeId: page[1]!.id, limit: 2 });
    expect(ids([...page, ...next])).to.deep.equal(ids(batch.slice(0, 3).reverse()));
  });

  it('sweeps records older than a time and keeps the rest', async () => {
    const batch = records('login.failed', 'login.failed', 'login.failed');
    await log.append(batch);
    expect(await log.sweep(batch[2]!.at)).to.equal(2);
    expect(ids(await log.list({ limit: 10 }))).to.deep.equal(ids([batch[2]!]));
    expect(await log.sweep(batch[0]!.at)).to.equal(0);
  });
}

describe('AuditLog contract', () => {
  describe('on SQLite (embedded)', () => {
    auditLogContract(async () => {
      const sqlite = await openSqlite();
      return { log: new SqliteAuditLog(sqlite.db), reopen: () => new SqliteAuditLog(sqlite.reopen()), close: sqlite.close };
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    auditLogContract(async () => {
      const { db, close } = await openDatabase();
      const log = new MongoAuditLog(db);
      await log.ensureIndexes();
      return { log, reopen: () => new MongoAuditLog(db), close };
    });

    it('keeps an index for each filter the console pages by: target, actor, client IP, and time through the id', async () => {
      const { db, close } = await openDatabase();
      try {
        await new MongoAuditLog(db).ensureIndexes();
        const keys = (await db.collection('audit_events').indexes()).map((index) => JSON.stringify(index.key));
        expect(keys).to.include.members(['{"_id":1}', '{"target":1,"_id":-1}', '{"actor":1,"_id":-1}', '{"ip":1,"_id":-1}']);
      } finally {
        await close();
      }
    });
  });

  describe('on SQLite, the query plans', () => {
    it('reads a page by client IP or from a time on from an index, newest first, without scanning or sorting the table', async () => {
      const sqlite = await openSqlite();
      try {
        const log = new SqliteAuditLog(sqlite.db);
        const plans = sqlitePlansOf(sqlite.db);
        const at = new Date(START);
        await log.list({ ip: '192.0.2.7', limit: 50 });
        await log.list({ from: at, to: new Date(START + 3600_000), limit: 50 });
        await log.list({ ip: '192.0.2.7', from: at, limit: 50 });
        await log.list({ target: TARGET, from: at, to: new Date(START + 3600_000), limit: 50 });
        expect(plans).to.have.length(4);
        for (const plan of plans) {
          expect(plan).to.match(/SEARCH audit_events USING (COVERING )?INDEX/);
          expect(plan).to.not.match(/TEMP B-TREE|SCAN audit_events/);
        }
        // A time range with no start reads the newest records first, in order, and stops at the page's end.
        await log.list({ to: at, limit: 50 });
        expect(plans[4]).to.not.match(/TEMP B-TREE/);
      } finally {
        await sqlite.close();
      }
    });
  });
});

describe('Redis audit stream', () => {
  const connect = redisConnections();

  it('publishes each record as one stream entry and trims entries past the retention', async () => {
    const redis = await connect();
    const stream = uniqueName('audit-stream');
    try {
      await redis.xadd(stream, '1000-0', 'id', 'ancient');
      const retentionMs = 24 * 3600 * 1000;
      const publisher = new RedisAuditStream(redis, stream, retentionMs);
      const batch = records('login.failed', 'groups.changed');
      await publisher.publish(batch);
      const entries = await redis.xrange(stream, '-', '+');
      const fields = entries.map(([, values]) => Object.fromEntries(Array.from({ length: values.length / 2 }, (_, i) => [values[2 * i], values[2 * i + 1]])));
      expect(fields.map((entry) => entry['id'])).to.deep.equal(ids(batch));
      expect(fields[1]).to.include({
        type: 'groups.changed',
        outcome: 'success',
        actor: ADMIN,
        ip: '192.0.2.7',
        user_agent: 'contract',
        request_id: 'request-1',
      });
      expect(JSON.parse(fields[1]!['details']!)).to.deep.equal(batch[1]!.details);
    } finally {
      await redis.del(stream);
      redis.disconnect();
    }
  });
});

function ids(list: AuditEvent[]): string[] {
  return list.map((event) => event.id);
}
