/**
 * How mail leaves the service: an SMTP server that refuses mail for a while delays it and
 * loses none; without SMTP_URL the embedded set-up writes .eml files a newcomer can open.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { describeMailbox } from '../../support/dev-mailbox.js';
import { eventually } from '../../support/eventually.js';
import { dataDirOf, embeddedEnv, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';

const PASSWORD = 'correct horse battery';

for (const setup of SETUPS) {
  describe(`Mail through the outbox on ${SETUP_TITLES[setup]}, while the SMTP server refuses mail`, function () {
    this.timeout(30000);
    let server: TestServer;
    let mailbox: SmtpMailbox;

    before(async function () {
      mailbox = await startSmtpMailbox();
      server = await startTestServer(
        setupEnv(setup, this, 'mail-outage', { SMTP_URL: mailbox.url, MAIL_RETRY_BASE_MS: '50', OUTBOX_RELAY_INTERVAL_MS: '50', LOG_LEVEL: 'info' }),
      );
    });
    after(async () => {
      await server?.close();
      await mailbox?.close();
    });

    it('keeps the mail queued and retries it with back-off, then delivers every message once the server accepts again', async () => {
      mailbox.refuse();
      const emails = [1, 2, 3].map((n) => `outage${n}.${setup}.${Date.now()}@example.org`);
      for (const email of emails) {
        await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      }
      await eventually(() => mailbox.refusals >= 6, { what: 'several refused attempts' });
      expect(mailbox.received.filter((mail) => emails.includes(mail.to))).to.deep.equal([]);
      expect(await server.app.adapters.mailOutbox.backlog()).to.be.at.least(3);
      const retries = server.logs.filter((line) => line.includes('mail not sent; it stays queued'));
      expect(retries.length).to.be.at.least(3);
      // Each retry of a message waits twice as long as the one before.
      const waits = retries.map((line) => JSON.parse(line) as { mailId: string; retryInMs: number });
      const firstMail = waits.filter((line) => line.mailId === waits[0]!.mailId).map((line) => line.retryInMs);
      expect(firstMail.slice(0, 2)).to.deep.equal([50, 100]);

      mailbox.accept();
      for (const email of emails) await mailbox.waitFor(email, /Confirm/);
      await eventually(async () => (await server.app.adapters.mailOutbox.backlog()) === 0, { what: 'an empty mail outbox' });
      for (const email of emails) expect(mailbox.to(email)).to.have.length(1);
      // The links that waited in the outbox work.
      const token = tokenOf(linkIn(mailbox.to(emails[0]!)[0]!, 'http://localhost:8000/verify-email?token='));
      expect((await server.api.verifyEmail({ token })).client!.emailVerified).to.equal(true);
      expect(server.logs.join('\n')).to.not.include(token);
    });
  });
}

for (const setup of SETUPS) {
  describe(`Links waiting in the mail outbox on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let mailbox: SmtpMailbox;

    before(async function () {
      mailbox = await startSmtpMailbox();
      server = await startTestServer(
        setupEnv(setup, this, 'mail-at-rest', { SMTP_URL: mailbox.url, MAIL_RETRY_BASE_MS: '50', OUTBOX_RELAY_INTERVAL_MS: '50' }),
      );
    });
    after(async () => {
      await server?.close();
      await mailbox?.close();
    });

    it('are stored in no usable form while SMTP is down, and still arrive working once it is back', async () => {
      mailbox.refuse();
      const email = `at-rest.${setup}.${Date.now()}@example.org`;
      await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      await server.api.requestPasswordReset({ email });
      await eventually(async () => (await server.app.adapters.mailOutbox.backlog()) >= 2 && mailbox.refusals >= 2, { what: 'both links refused and queued' });
      // What anyone who reads the database (a backup, a replica, a dump) sees of the queued mail.
      const stored = await server.store.dumpMailOutbox();
      expect(stored).to.include(email);
      expect(stored).to.not.match(/token=|\/password-reset\?|\/verify-email\?/);

      mailbox.accept();
      const reset = await mailbox.waitFor(email, /reset/i);
      const verification = await mailbox.waitFor(email, /Confirm/);
      const resetToken = tokenOf(linkIn(reset, 'http://localhost:8000/password-reset?token='));
      const verificationToken = tokenOf(linkIn(verification, 'http://localhost:8000/verify-email?token='));
      for (const token of [resetToken, verificationToken]) expect(stored).to.not.include(token);
      await server.api.resetPassword({ token: resetToken, newPassword: 'a brand new passphrase' });
      await server.api.login({ email, password: 'a brand new passphrase' });
      expect((await server.api.verifyEmail({ token: verificationToken })).client!.emailVerified).to.equal(true);
      await eventually(async () => (await server.app.adapters.mailOutbox.backlog()) === 0, { what: 'an empty mail outbox' });
    });
  });
}

describe('Mail on the embedded default without SMTP_URL', function () {
  this.timeout(30000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer(embeddedEnv({ LOG_LEVEL: 'info', PUBLIC_URL: 'http://localhost:8000' }));
  });
  after(async () => server?.close());

  it('says at start-up that mail is written as .eml files into DATA_DIR/mail', () => {
    const mailDir = path.join(dataDirOf(server.config), 'mail');
    expect(server.logs.some((line) => line.includes(`.eml files in ${mailDir}`))).to.equal(true);
  });

  it('writes each message, owner-only, as an .eml file whose link verifies the email', async () => {
    const email = `newcomer.${Date.now()}@example.org`;
    await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const mailDir = path.join(dataDirOf(server.config), 'mail');
    const files = await eventually(() => (fs.existsSync(mailDir) ? fs.readdirSync(mailDir).filter((name) => name.endsWith('.eml')) : []), {
      until: (names: string[]) => names.length === 1,
      what: 'an .eml file',
    });
    const file = path.join(mailDir, files[0]!);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const parsed = await simpleParser(fs.readFileSync(file));
    expect(parsed.subject).to.equal('Confirm your email for client-auth');
    expect(typeof parsed.html === 'string' && parsed.html.includes('Confirm my email')).to.equal(true);
    const link = (parsed.text ?? '').split(/\s+/).find((word) => word.startsWith('http://localhost:8000/verify-email?token='))!;
    expect((await server.api.verifyEmail({ token: tokenOf(link) })).client!.emailVerified).to.equal(true);
  });
});

describe('The development mailbox (npm run mailbox)', () => {
  it('lists the newest .eml messages with their recipient, subject and decoded links', async function () {
    this.timeout(30000);
    const server = await startTestServer(embeddedEnv({ PUBLIC_URL: 'http://localhost:8000' }));
    try {
      const email = `mailbox.${Date.now()}@example.org`;
      await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      const mailDir = path.join(dataDirOf(server.config), 'mail');
      const listing = await eventually(() => describeMailbox(mailDir, 5), { until: (text: string) => text.includes(email), what: 'the mail in the listing' });
      expect(listing).to.include('subject: Confirm your email for client-auth');
      const link = /link: {4}(\S+)/.exec(listing)![1]!;
      expect((await server.api.verifyEmail({ token: tokenOf(link) })).client!.emailVerified).to.equal(true);
    } finally {
      await server.close();
    }
  });
});
