/** REQUIRE_VERIFIED_EMAIL, and the features switched off. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { dataDirOf, failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';

const PASSWORD = 'correct horse battery';
const user = (email: string) => ({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });

for (const setup of SETUPS) {
  describe(`REQUIRE_VERIFIED_EMAIL=true on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let mailbox: SmtpMailbox;

    before(async function () {
      mailbox = await startSmtpMailbox();
      server = await startTestServer(setupEnv(setup, this, 'require-verified', { SMTP_URL: mailbox.url, REQUIRE_VERIFIED_EMAIL: 'true' }));
    });
    after(async () => {
      await server?.close();
      await mailbox?.close();
    });

    it('refuses an unverified user with EMAIL_NOT_VERIFIED only after the right password, and logs it in once verified', async () => {
      const email = `unverified.${setup}.${Date.now()}@example.org`;
      await server.api.registerUser(user(email));
      expect(await failure(server.api.login({ email, password: 'not the password' }))).to.include({
        code: status.UNAUTHENTICATED,
        reason: 'INVALID_CREDENTIALS',
      });
      expect(await failure(server.api.login({ email: `nobody.${email}`, password: PASSWORD }))).to.include({ reason: 'INVALID_CREDENTIALS' });
      expect(await failure(server.api.login({ email, password: PASSWORD }))).to.include({ code: status.FAILED_PRECONDITION, reason: 'EMAIL_NOT_VERIFIED' });

      const token = tokenOf(linkIn(await mailbox.waitFor(email, /Confirm/), 'http://localhost:8000/verify-email?token='));
      await server.api.verifyEmail({ token });
      expect((await server.api.login({ email, password: PASSWORD })).accessToken).to.be.a('string');
    });
  });
}

describe('Password reset and email verification switched off', function () {
  this.timeout(30000);
  let server: TestServer;

  before(async function () {
    server = await startTestServer(setupEnv('embedded', this, 'recovery-off', { PASSWORD_RESET: 'false', EMAIL_VERIFICATION: 'false' }));
  });
  after(async () => server?.close());

  it('answers their RPCs FAILED_PRECONDITION / FEATURE_DISABLED and mails nothing at registration', async () => {
    const email = `off.${Date.now()}@example.org`;
    await server.api.registerUser(user(email));
    const token = (await server.api.login({ email, password: PASSWORD })).accessToken;
    for (const call of [
      server.api.requestPasswordReset({ email }),
      server.api.resetPassword({ token: 'A'.repeat(43), newPassword: 'a new long password' }),
      server.api.sendEmailVerification({}, { token }),
      server.api.verifyEmail({ token: 'A'.repeat(43) }),
    ]) {
      expect(await failure(call)).to.include({ code: status.FAILED_PRECONDITION, reason: 'FEATURE_DISABLED' });
    }
    await server.app.mail.mailer.flush();
    expect(await server.app.adapters.mailOutbox.backlog()).to.equal(0);
    expect(fs.existsSync(path.join(dataDirOf(server.config), 'mail'))).to.equal(false);
  });
});

describe('Reset requests limited per client IP', function () {
  this.timeout(30000);
  let server: TestServer;

  before(async function () {
    server = await startTestServer(setupEnv('embedded', this, 'reset-ip-limit', { RECOVERY_IP_REQUESTS_MAX: '3', RECOVERY_REQUESTS_MAX: '100' }));
  });
  after(async () => server?.close());

  it('refuses a fourth request from one IP whatever the emails, counting the IP the bridge names from loopback', async () => {
    const fromIp = (clientIp: string, n: number) => server.api.requestPasswordReset({ email: `spray${n}@example.org` }, { clientIp });
    for (let n = 0; n < 3; n++) await fromIp('203.0.113.7', n);
    expect(await failure(fromIp('203.0.113.7', 3))).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });
    expect(await fromIp('198.51.100.9', 4)).to.deep.equal({});
  });
});

describe('RequestPasswordReset timing', function () {
  this.timeout(60000);
  let server: TestServer;

  before(async function () {
    server = await startTestServer(setupEnv('shared', this, 'reset-timing', { RECOVERY_IP_REQUESTS_MAX: '10000', RECOVERY_REQUESTS_MAX: '1000' }));
  });
  after(async () => server?.close());

  it('answers a registered email no slower than an unknown one: the lookup and the mail come after the answer', async () => {
    const known = `timing.${Date.now()}@example.org`;
    await server.api.registerUser(user(known));
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      // An address of its own: on the shared set-up the per-IP counters live in the run's one Redis.
      await server.api.requestPasswordReset({ email }, { clientIp: '192.0.2.77' });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    // Interleaved, so load on the machine falls on both alike.
    for (let i = 0; i < 40; i++) {
      knownTimes.push(await timed(known));
      unknownTimes.push(await timed(`nobody${i}.${known}`));
    }
    await server.app.useCases.passwordReset.settle();
    // On FerretDB each write costs milliseconds: without the work moved after the answer, a registered email would pay a token insert
    // and a mail insert on top of the lookup, on every request.
    expect(median(knownTimes)).to.be.below(median(unknownTimes) * 1.5 + 1);
  });
});
