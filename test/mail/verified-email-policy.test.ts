/** REQUIRE_VERIFIED_EMAIL, and the features switched off. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { SETUPS, SETUP_TITLES, dataDirOf, failure, setupEnv, startTestServer, type TestServer } from '../support/server';
import { linkIn, startSmtpMailbox, tokenOf, type SmtpMailbox } from './smtp-mailbox';

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
      expect(await failure(server.api.login({ email, password: 'not the password' }))).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
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
