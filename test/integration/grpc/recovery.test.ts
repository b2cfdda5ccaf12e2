/**
 * Password reset and email verification over gRPC, on both set-ups, with mail delivered
 * to a real SMTP server and read back from it.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { eventually } from '../../support/eventually.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const ADMIN = { email: 'root@example.com', password: 'admin password 1' };
const PUBLIC_URL = 'https://auth.example.test';

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

for (const setup of SETUPS) {
  describe(`Password reset and email verification on ${SETUP_TITLES[setup]}, mailed over SMTP`, function () {
    this.timeout(30000);
    let server: TestServer;
    let mailbox: SmtpMailbox;
    let counter = 0;
    const email = (prefix = 'reader') => `${prefix}${++counter}.${setup}.${Date.now()}@example.org`;

    before(async function () {
      mailbox = await startSmtpMailbox();
      server = await startTestServer(
        setupEnv(setup, this, 'recovery', {
          SMTP_URL: mailbox.url,
          SMTP_FROM: 'Example Auth <auth@example.org>',
          PUBLIC_URL,
          PRODUCT_NAME: 'Example Cloud',
          RECOVERY_REQUESTS_MAX: '3',
          // Every suite's requests come from 127.0.0.1; on the shared set-up they count in one Redis.
          RECOVERY_IP_REQUESTS_MAX: '100000',
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
        }),
      );
    });
    after(async () => {
      await server?.close();
      await mailbox?.close();
    });

    const register = async (address = email()) => {
      const { client } = await server.api.registerUser({ email: address, password: PASSWORD, firstName: 'Ada', lastName: '', phoneNumber: '', attributes: {} });
      return client!;
    };
    const requestReset = (address: string) => server.api.requestPasswordReset({ email: address });
    const resetLink = async (address: string, nth = 0) => {
      const mails = () => mailbox.to(address).filter((mail) => /Reset your/.test(mail.subject));
      await mailbox.waitFor(address, /Reset your/);
      if (nth > 0) await eventually(() => mails().length > nth);
      return linkIn(mails()[nth]!, `${PUBLIC_URL}/password-reset?token=`);
    };

    it('sends a verification email at registration, with text and HTML bodies, the product name and SMTP_FROM', async () => {
      const client = await register();
      expect(client.emailVerified).to.equal(false);
      const mail = await mailbox.waitFor(client.email, /Confirm your email/);
      expect(mail.subject).to.equal('Confirm your email for Example Cloud');
      expect(mail.from).to.include('auth@example.org');
      const link = linkIn(mail, `${PUBLIC_URL}/verify-email?token=`);
      expect(tokenOf(link)).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(mail.html).to.include(`href="${link}"`);
      expect(mail.text).to.include('Example Cloud');
    });

    it('verifies the email once with the mailed token: the time is on the client and email_verified in the next access token', async () => {
      const client = await register();
      const before = await server.api.login({ email: client.email, password: PASSWORD });
      expect(claimsOf(before.accessToken)['email_verified']).to.equal(false);
      const token = tokenOf(linkIn(await mailbox.waitFor(client.email, /Confirm/), `${PUBLIC_URL}/verify-email?token=`));

      const verified = await server.api.verifyEmail({ token });
      expect(verified.client!.emailVerified).to.equal(true);
      expect(verified.client!.emailVerifyTime).to.be.instanceOf(Date);
      const stored = await server.store.client(client.id);
      expect(stored!.emailVerifiedAt).to.be.instanceOf(Date);
      const after = await server.api.login({ email: client.email, password: PASSWORD });
      expect(claimsOf(after.accessToken)['email_verified']).to.equal(true);
      expect((await server.api.getMe({}, { token: after.accessToken })).client!.emailVerified).to.equal(true);

      expect(await failure(server.api.verifyEmail({ token }))).to.include({ code: status.UNAUTHENTICATED, reason: 'VERIFICATION_TOKEN_INVALID' });
      expect(await failure(server.api.verifyEmail({ token: 'x'.repeat(43) }))).to.include({ reason: 'VERIFICATION_TOKEN_INVALID' });
      expect(await failure(server.api.verifyEmail({ token: '' }))).to.include({ code: status.INVALID_ARGUMENT, field: 'token' });
    });

    it('stores only hashes of the tokens it mails, bound to the client and purpose', async () => {
      const client = await register();
      const token = tokenOf(linkIn(await mailbox.waitFor(client.email, /Confirm/), `${PUBLIC_URL}/verify-email?token=`));
      const rows = await server.store.oneTimeTokensOf(client.id);
      expect(rows).to.have.length(1);
      expect(JSON.stringify(rows)).to.not.include(token);
      expect(JSON.stringify(rows)).to.include('email_verification');
    });

    it('mails a new verification link on SendEmailVerification, and none once the email is verified', async () => {
      const client = await register();
      const session = await server.api.login({ email: client.email, password: PASSWORD });
      await server.api.sendEmailVerification({}, { token: session.accessToken });
      await mailbox.waitFor(client.email, /Confirm/);
      await eventually(() => mailbox.to(client.email).length === 2);
      const token = tokenOf(linkIn(mailbox.to(client.email)[1]!, `${PUBLIC_URL}/verify-email?token=`));
      await server.api.verifyEmail({ token });
      await server.api.sendEmailVerification({}, { token: session.accessToken });
      await server.app.mail.mailer.flush();
      expect(mailbox.to(client.email)).to.have.length(2);
      expect(await failure(server.api.sendEmailVerification({}))).to.include({ reason: 'TOKEN_MISSING' });
    });

    it('lets an admin see and filter clients by email_verified', async () => {
      const verified = await register(email('filter-v'));
      const unverified = await register(email('filter-u'));
      await server.api.verifyEmail({ token: tokenOf(linkIn(await mailbox.waitFor(verified.email, /Confirm/), `${PUBLIC_URL}/verify-email?token=`)) });
      const admin = (await server.api.login(ADMIN)).accessToken;
      const only = async (emailVerified: boolean) =>
        (await server.api.listClients({ pageSize: 500, pageToken: '', kind: 0, emailPrefix: 'filter-', emailVerified }, { token: admin })).clients.map(
          (c) => c.email,
        );
      expect(await only(true))
        .to.include(verified.email)
        .and.not.include(unverified.email);
      expect(await only(false))
        .to.include(unverified.email)
        .and.not.include(verified.email);
      expect((await server.api.getClient({ clientId: verified.id }, { token: admin })).client!.emailVerified).to.equal(true);
    });

    it('answers RequestPasswordReset alike for a registered and an unknown email, and mails only the registered one', async () => {
      const client = await register();
      const unknown = email('nobody');
      expect(await requestReset(client.email)).to.deep.equal({});
      expect(await requestReset(unknown)).to.deep.equal({});
      const mail = await mailbox.waitFor(client.email, /Reset your/);
      expect(mail.subject).to.equal('Reset your Example Cloud password');
      expect(mail.text).to.include('within 30 minutes');
      await server.app.useCases.passwordReset.settle();
      await server.app.mail.mailer.flush();
      expect(mailbox.to(unknown)).to.deep.equal([]);
    });

    it('resets the password once: every session ends, the other reset links die, and a notice is mailed', async () => {
      const client = await register();
      const session = await server.api.login({ email: client.email, password: PASSWORD });
      await requestReset(client.email);
      const first = tokenOf(await resetLink(client.email));
      await requestReset(client.email);
      const second = tokenOf(await resetLink(client.email, 1));

      // A password the rules refuse does not spend the token.
      expect(await failure(server.api.resetPassword({ token: first, newPassword: 'short' }))).to.include({
        code: status.INVALID_ARGUMENT,
        field: 'new_password',
      });
      expect(await server.api.resetPassword({ token: first, newPassword: NEW_PASSWORD })).to.deep.equal({});

      expect(await failure(server.api.resetPassword({ token: first, newPassword: NEW_PASSWORD }))).to.include({
        code: status.UNAUTHENTICATED,
        reason: 'RESET_TOKEN_INVALID',
      });
      expect(await failure(server.api.resetPassword({ token: second, newPassword: NEW_PASSWORD }))).to.include({ reason: 'RESET_TOKEN_INVALID' });
      expect(await failure(server.api.validateToken({ token: session.accessToken }))).to.include({ reason: 'SESSION_REVOKED' });
      expect(await failure(server.api.refreshToken({ refreshToken: session.refreshToken }))).to.include({ reason: 'SESSION_REVOKED' });
      expect(await failure(server.api.login({ email: client.email, password: PASSWORD }))).to.include({ reason: 'INVALID_CREDENTIALS' });
      await server.api.login({ email: client.email, password: NEW_PASSWORD });
      const notice = await mailbox.waitFor(client.email, /was changed/);
      expect(notice.subject).to.equal('Your Example Cloud password was changed');
      expect((await server.store.oneTimeTokensOf(client.id)).filter((row) => JSON.stringify(row).includes('password_reset'))).to.deep.equal([]);
    });

    it('ends a reset link issued before a password change: the link cannot undo the change', async () => {
      const client = await register();
      await requestReset(client.email);
      const token = tokenOf(await resetLink(client.email));
      const session = await server.api.login({ email: client.email, password: PASSWORD });
      await server.api.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, { token: session.accessToken });

      expect(await failure(server.api.resetPassword({ token, newPassword: 'an attacker chose this one' }))).to.include({
        code: status.UNAUTHENTICATED,
        reason: 'RESET_TOKEN_INVALID',
      });
      await server.api.login({ email: client.email, password: NEW_PASSWORD });
      expect((await server.store.oneTimeTokensOf(client.id)).filter((row) => JSON.stringify(row).includes('password_reset'))).to.deep.equal([]);
    });

    it('keeps the email verified when the password is reset', async () => {
      const client = await register();
      await server.api.verifyEmail({ token: tokenOf(linkIn(await mailbox.waitFor(client.email, /Confirm/), `${PUBLIC_URL}/verify-email?token=`)) });
      await requestReset(client.email);
      await server.api.resetPassword({ token: tokenOf(await resetLink(client.email)), newPassword: NEW_PASSWORD });
      expect((await server.store.client(client.id))!.emailVerifiedAt).to.be.instanceOf(Date);
    });

    it('refuses an unknown token and sends no mail to a suspended user', async () => {
      expect(await failure(server.api.resetPassword({ token: 'A'.repeat(43), newPassword: NEW_PASSWORD }))).to.include({ reason: 'RESET_TOKEN_INVALID' });
      expect(await failure(server.api.resetPassword({ token: 'A'.repeat(500), newPassword: NEW_PASSWORD }))).to.include({ reason: 'RESET_TOKEN_INVALID' });
      const client = await register();
      await server.store.updateClient(client.id, { suspended: true });
      await requestReset(client.email);
      await server.app.useCases.passwordReset.settle();
      await server.app.mail.mailer.flush();
      expect(mailbox.to(client.email).filter((mail) => /Reset/.test(mail.subject))).to.deep.equal([]);
    });

    it('limits reset requests per email, known or not, with TOO_MANY_ATTEMPTS', async () => {
      for (const address of [(await register()).email, email('unknown')]) {
        for (let i = 0; i < 3; i++) await requestReset(address);
        expect(await failure(requestReset(address))).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });
      }
    });

    it('deletes the tokens and the queued mail of a deleted client', async () => {
      const client = await register();
      await requestReset(client.email);
      await resetLink(client.email);
      const session = await server.api.login({ email: client.email, password: PASSWORD });
      expect(await server.store.oneTimeTokensOf(client.id)).to.have.length(2);
      await server.api.deleteClient({ clientId: '' }, { token: session.accessToken });
      expect(await server.store.oneTimeTokensOf(client.id)).to.deep.equal([]);
    });
  });
}
