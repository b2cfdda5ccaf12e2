/** The mail relay's timing rules, on a clock moved by hand: back-off, and dropping stale mail. */
import { expect } from 'chai';
import { AesGcmSecretSealer, SEALING_PURPOSES } from '../../../src/adapters/crypto/secret-sealer.js';
import { SqliteMailOutbox } from '../../../src/adapters/embedded/sqlite-mail-outbox.js';
import { TemplateMailRenderer } from '../../../src/adapters/mail/template-renderer.js';
import { Mailer } from '../../../src/domain/recovery/mailer.js';
import type { MailTransport, RenderedMail } from '../../../src/domain/recovery/ports.js';
import { openSqlite, type SqliteBackend } from '../../contract/backends.js';
import { recordingLogger } from '../../support/server.js';
import { MAIL_TEST_KEY } from '../fakes/recovery.js';
import { ManualClock } from '../fakes/world.js';

class FlakyTransport implements MailTransport {
  readonly description = 'a test transport';
  down = false;
  sent: RenderedMail[] = [];
  async send(mail: RenderedMail): Promise<void> {
    if (this.down) throw new Error('connection refused');
    this.sent.push(mail);
  }
  async close(): Promise<void> {}
}

describe('The mail relay', () => {
  let sqlite: SqliteBackend;
  let outbox: SqliteMailOutbox;
  let transport: FlakyTransport;
  let clock: ManualClock;
  let logs: string[];
  let mailer: Mailer;
  const client = { id: 'client-a', email: 'ada@example.com' };
  const values = { product: 'Example', email: client.email, publicUrl: 'https://x.test', link: 'https://x.test/password-reset?token=SECRET', minutes: '30' };

  beforeEach(async () => {
    sqlite = await openSqlite();
    outbox = new SqliteMailOutbox(sqlite.db);
    transport = new FlakyTransport();
    clock = new ManualClock();
    logs = [];
    mailer = new Mailer(
      outbox,
      new TemplateMailRenderer(),
      transport,
      new AesGcmSecretSealer(MAIL_TEST_KEY, SEALING_PURPOSES.queuedMail),
      { retryBaseMs: 1000, retryMaxMs: 4000, maxAgeMs: 60_000 },
      recordingLogger(logs),
      clock.now,
    );
  });
  afterEach(async () => {
    await mailer.stop();
    await sqlite.close();
  });

  it('sends a queued message rendered from its template and removes it from the outbox', async () => {
    await mailer.queue(client, 'password-reset', values);
    await mailer.flush();
    expect(transport.sent).to.have.length(1);
    expect(transport.sent[0]).to.deep.include({ to: client.email, subject: 'Reset your Example password' });
    expect(transport.sent[0]!.html).to.include('href="https://x.test/password-reset?token=SECRET"');
    expect(await outbox.backlog()).to.equal(0);
  });

  it('retries a failed message after 1, 2, 4 and then at most 4 seconds, and never before', async () => {
    transport.down = true;
    await mailer.queue(client, 'password-reset', values);
    await mailer.flush();
    for (const wait of [1000, 2000, 4000, 4000]) {
      clock.advance(wait - 1);
      await mailer.flush();
      expect(await outbox.backlog()).to.equal(1);
      const tries = logs.filter((line) => line.includes('mail not sent')).length;
      clock.advance(1);
      await mailer.flush();
      expect(logs.filter((line) => line.includes('mail not sent')).length).to.equal(tries + 1);
    }
    transport.down = false;
    clock.advance(4000);
    await mailer.flush();
    expect(transport.sent).to.have.length(1);
    expect(logs.join('\n')).to.not.include('SECRET');
  });

  it('drops a message older than the maximum age, with a log line, rather than send a stale link', async () => {
    transport.down = true;
    await mailer.queue(client, 'password-reset', values);
    await mailer.flush();
    transport.down = false;
    clock.advance(60_001);
    await mailer.flush();
    expect(transport.sent).to.deep.equal([]);
    expect(await outbox.backlog()).to.equal(0);
    const dropped = logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => String(line['msg']).includes('dropped'));
    expect(dropped).to.deep.include({ level: 'warn', template: 'password-reset', clientId: 'client-a', attempts: 1 });
  });

  it('forgets the queued messages of a deleted client', async () => {
    transport.down = true;
    await mailer.queue(client, 'password-reset', values);
    await mailer.flush();
    await mailer.forget(client.id);
    expect(await outbox.backlog()).to.equal(0);
  });

  it('keeps the values of a waiting message sealed: the stored row holds no link, and the link is back in the message sent', async () => {
    transport.down = true;
    await mailer.queue(client, 'password-reset', values);
    await mailer.flush();
    const row = JSON.stringify(sqlite.db.prepare('SELECT * FROM mail_outbox').all());
    expect(row).to.include(client.email);
    expect(row).to.not.include('SECRET');
    expect(row).to.not.include('password-reset?');
    transport.down = false;
    clock.advance(1000);
    await mailer.flush();
    expect(transport.sent[0]!.text).to.include('https://x.test/password-reset?token=SECRET');
  });

  for (const [title, tamper] of [
    ['moved to another recipient', "UPDATE mail_outbox SET recipient = 'attacker@example.net'"],
    ['given to another template', "UPDATE mail_outbox SET template = 'password-changed'"],
  ] as const) {
    it(`sends nothing of a message whose sealed values were ${title}: dropped, with a warning`, async () => {
      transport.down = true;
      await mailer.queue(client, 'password-reset', values);
      await mailer.flush();
      sqlite.db.exec(tamper);
      transport.down = false;
      clock.advance(1000);
      await mailer.flush();
      expect(transport.sent).to.deep.equal([]);
      expect(await outbox.backlog()).to.equal(0);
      expect(logs.some((line) => line.includes('do not open'))).to.equal(true);
    });
  }

  it('drops, with a warning, a message sealed under another key-encryption key', async () => {
    transport.down = true;
    await mailer.queue(client, 'password-reset', values);
    await mailer.flush();
    const otherKey = new Mailer(
      outbox,
      new TemplateMailRenderer(),
      transport,
      new AesGcmSecretSealer(`${MAIL_TEST_KEY}, rotated`, SEALING_PURPOSES.queuedMail),
      { retryBaseMs: 1000, retryMaxMs: 4000, maxAgeMs: 60_000 },
      recordingLogger(logs),
      clock.now,
    );
    transport.down = false;
    clock.advance(1000);
    await otherKey.flush();
    expect(transport.sent).to.deep.equal([]);
    expect(await outbox.backlog()).to.equal(0);
    expect(logs.some((line) => line.includes('do not open'))).to.equal(true);
  });

  it('still sends a message an earlier release queued with its values in plain', async () => {
    const now = new Date(clock.now());
    await outbox.add({
      id: '01900000-0000-7000-8000-00000000aaaa',
      clientId: client.id,
      to: client.email,
      template: 'password-reset',
      variables: values,
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
    });
    await mailer.flush();
    expect(transport.sent).to.have.length(1);
    expect(transport.sent[0]!.text).to.include('https://x.test/password-reset?token=SECRET');
    expect(await outbox.backlog()).to.equal(0);
  });
});
