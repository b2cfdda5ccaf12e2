/** The MailOutbox port's guarantees, asserted against every adapter. */
import { expect } from 'chai';
import { SqliteMailOutbox } from '../../src/adapters/embedded/sqlite-mail-outbox.js';
import { MongoMailOutbox } from '../../src/adapters/mongo/mail-outbox.js';
import { newId } from '../../src/domain/kernel/ids.js';
import type { MailOutbox, QueuedMail } from '../../src/domain/recovery/ports.js';
import { ferretDatabases, openSqlite } from './backends.js';

type OpenOutbox = () => Promise<{ outbox: MailOutbox; close(): Promise<void> }>;

const NOW = new Date(Date.UTC(2026, 3, 4, 5, 6, 7, 890));
const seconds = (n: number) => new Date(NOW.getTime() + n * 1000);

function aMail(fields: Partial<QueuedMail> = {}): QueuedMail {
  return {
    id: newId(),
    clientId: 'client-a',
    to: 'ada@example.com',
    template: 'password-reset',
    variables: 's1.c2VhbGVk.dmFsdWVz.dGFn',
    createdAt: NOW,
    attempts: 0,
    nextAttemptAt: NOW,
    ...fields,
  };
}

function mailOutboxContract(open: OpenOutbox): void {
  let outbox: MailOutbox;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ outbox, close } = await open());
  });
  afterEach(async () => close());

  it('keeps every field of a message and answers the due ones in id order', async () => {
    const first = aMail({ id: newId() });
    const second = aMail({ id: newId() });
    await outbox.add(second);
    await outbox.add(first);
    expect(await outbox.due(NOW, 10)).to.deep.equal([first, second]);
    expect(await outbox.backlog()).to.equal(2);
  });

  it('keeps the plain values of a message an earlier release queued as they were', async () => {
    const mail = aMail({ variables: { link: 'http://localhost:8000/password-reset?token=abc', product: 'Ünicode & <co>' } });
    await outbox.add(mail);
    expect(await outbox.due(NOW, 10)).to.deep.equal([mail]);
  });

  it('stores a message added twice once', async () => {
    const mail = aMail();
    await outbox.add(mail);
    await outbox.add({ ...mail, to: 'other@example.com' });
    expect(await outbox.due(NOW, 10)).to.deep.equal([mail]);
  });

  it('holds a rescheduled message back until its next attempt, counting the attempts', async () => {
    const mail = aMail();
    await outbox.add(mail);
    await outbox.reschedule(mail.id, 1, seconds(10));
    expect(await outbox.due(seconds(9), 10)).to.deep.equal([]);
    expect(await outbox.due(seconds(10), 10)).to.deep.equal([{ ...mail, attempts: 1, nextAttemptAt: seconds(10) }]);
  });

  it('removes a message, and every message about a deleted client', async () => {
    const sent = aMail();
    const aboutA = aMail();
    const aboutB = aMail({ clientId: 'client-b' });
    for (const mail of [sent, aboutA, aboutB]) await outbox.add(mail);
    await outbox.remove(sent.id);
    await outbox.deleteAllOfClient('client-a');
    expect(await outbox.due(NOW, 10)).to.deep.equal([aboutB]);
    expect(await outbox.backlog()).to.equal(1);
  });

  it('answers at most the limit', async () => {
    for (let i = 0; i < 5; i++) await outbox.add(aMail({ id: newId(NOW.getTime() + i) }));
    expect(await outbox.due(NOW, 3)).to.have.length(3);
  });
}

describe('MailOutbox contract', () => {
  describe('on SQLite (embedded)', () => {
    mailOutboxContract(async () => {
      const sqlite = await openSqlite();
      return { outbox: new SqliteMailOutbox(sqlite.db), close: sqlite.close };
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    mailOutboxContract(async () => {
      const { db, close } = await openDatabase();
      const outbox = new MongoMailOutbox(db);
      await outbox.ensureIndexes();
      return { outbox, close };
    });
  });
});
