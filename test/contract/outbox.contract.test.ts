/** The Outbox port's guarantees, asserted against every adapter. */
import { expect } from 'chai';
import { SqliteOutbox } from '../../src/adapters/embedded/sqlite-outbox.js';
import { MongoOutbox } from '../../src/adapters/mongo/outbox.js';
import type { Outbox, OutboxEntry, OutboxEventType } from '../../src/domain/clients/ports.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { ferretDatabases, openSqlite } from './backends.js';

type OpenOutbox = () => Promise<{ outbox: Outbox; close(): Promise<void> }>;

const START = Date.UTC(2026, 1, 3, 4, 5, 6, 789);

/** Entries of the given types, written one millisecond apart so their ids are in write order. */
function entries(...types: OutboxEventType[]): OutboxEntry[] {
  return types.map((type, i) => ({
    id: newId(START + i),
    type,
    clientId: newId(),
    clientKind: i % 2 ? 'service' : 'user',
    at: new Date(START + i),
    by: newId(),
    reason: type === 'client.suspended' ? 'abuse' : '',
    deliveredAt: null,
  }));
}

function outboxContract(open: OpenOutbox): void {
  let outbox: Outbox;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ outbox, close } = await open());
  });
  afterEach(async () => close?.());

  const ids = (list: OutboxEntry[]) => list.map((entry) => entry.id);
  const addAll = async (list: OutboxEntry[]) => {
    for (const entry of list) await outbox.add(entry);
  };

  it('stores an entry added twice once, keeping the first: a retried step announces its event once', async () => {
    const [entry] = entries('client.deletion_requested');
    await outbox.add(entry!);
    await outbox.add({ ...entry!, by: newId() });
    expect(await outbox.pending(10)).to.deep.equal([entry]);
    await outbox.markDelivered(entry!.id, new Date(START + 1000));
    await outbox.add(entry!);
    expect(await outbox.backlog()).to.equal(0);
    expect(await outbox.list({ limit: 10 })).to.have.length(1);
  });

  it('keeps every field of an entry, with dates as dates', async () => {
    const [entry] = entries('client.suspended');
    await outbox.add(entry!);
    const [pending] = await outbox.pending(10);
    expect(pending).to.deep.equal(entry);
    expect(pending!.at).to.be.instanceOf(Date);
  });

  it('hands out pending entries in the order they were written, at most `limit` at a time', async () => {
    const written = entries('client.deletion_requested', 'client.suspended', 'client.reinstated', 'client.suspended', 'client.deletion_requested');
    await addAll(written);
    expect(ids(await outbox.pending(100))).to.deep.equal(ids(written));
    expect(ids(await outbox.pending(2))).to.deep.equal(ids(written.slice(0, 2)));
  });

  it('takes a delivered entry out of the pending ones and out of the backlog, keeping it on record', async () => {
    const written = entries('client.suspended', 'client.reinstated', 'client.deletion_requested');
    await addAll(written);
    expect(await outbox.backlog()).to.equal(3);
    const deliveredAt = new Date(START + 60_000);
    await outbox.markDelivered(written[0]!.id, deliveredAt);

    expect(ids(await outbox.pending(100))).to.deep.equal(ids(written.slice(1)));
    expect(await outbox.backlog()).to.equal(2);
    const onRecord = (await outbox.list({ limit: 100 })).find((entry) => entry.id === written[0]!.id);
    expect(onRecord).to.deep.equal({ ...written[0], deliveredAt });
  });

  it('keeps the first delivery time when an entry is marked delivered twice', async () => {
    const [entry] = entries('client.deletion_requested');
    await outbox.add(entry!);
    await outbox.markDelivered(entry!.id, new Date(START + 1000));
    await outbox.markDelivered(entry!.id, new Date(START + 2000));
    expect((await outbox.list({ limit: 1 }))[0]!.deliveredAt).to.deep.equal(new Date(START + 1000));
  });

  it('lists newest first, filtered by type and by pending, at most `limit` entries', async () => {
    const written = entries('client.deletion_requested', 'client.suspended', 'client.deletion_requested', 'client.reinstated', 'client.deletion_requested');
    await addAll(written);
    await outbox.markDelivered(written[0]!.id, new Date(START + 60_000));
    const [first, second, third, fourth, fifth] = written;

    expect(ids(await outbox.list({ limit: 100 }))).to.deep.equal(ids([fifth!, fourth!, third!, second!, first!]));
    expect(ids(await outbox.list({ limit: 2 }))).to.deep.equal(ids([fifth!, fourth!]));
    expect(ids(await outbox.list({ type: 'client.deletion_requested', limit: 100 }))).to.deep.equal(ids([fifth!, third!, first!]));
    expect(ids(await outbox.list({ type: 'client.deletion_requested', pendingOnly: true, limit: 100 }))).to.deep.equal(ids([fifth!, third!]));
    expect(ids(await outbox.list({ pendingOnly: true, limit: 100 }))).to.deep.equal(ids([fifth!, fourth!, third!, second!]));
  });

  it('pages newest first with beforeId, filters still applying', async () => {
    const written = entries('client.deletion_requested', 'client.suspended', 'client.deletion_requested', 'client.deletion_requested');
    await addAll(written);
    const [first, , third, fourth] = written;
    const page = await outbox.list({ type: 'client.deletion_requested', limit: 2 });
    expect(ids(page)).to.deep.equal(ids([fourth!, third!]));
    expect(ids(await outbox.list({ type: 'client.deletion_requested', beforeId: page[1]!.id, limit: 2 }))).to.deep.equal(ids([first!]));
    expect(await outbox.list({ beforeId: first!.id, limit: 2 })).to.deep.equal([]);
  });

  it('reports an empty backlog when nothing is waiting', async () => {
    expect(await outbox.backlog()).to.equal(0);
    expect(await outbox.pending(10)).to.deep.equal([]);
  });
}

describe('Outbox contract', () => {
  describe('on SQLite (embedded)', () => {
    outboxContract(async () => {
      const sqlite = await openSqlite();
      return { outbox: new SqliteOutbox(sqlite.db), close: sqlite.close };
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    outboxContract(async () => {
      const { db, close } = await openDatabase();
      const outbox = new MongoOutbox(db);
      await outbox.ensureIndexes();
      return { outbox, close };
    });
  });
});
