/** Password resets and email verifications in the audit trail, on both set-ups. */
import { expect } from 'chai';
import { ListAuditEventsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const ADMIN = { email: 'root@example.com', password: 'admin password 1' };
const PUBLIC_URL = 'https://auth.example.test';

for (const setup of SETUPS) {
  describe(`Recovery in the audit trail (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let mailbox: SmtpMailbox;

    before(async function () {
      mailbox = await startSmtpMailbox();
      const env = { SMTP_URL: mailbox.url, PUBLIC_URL, RECOVERY_IP_REQUESTS_MAX: '100000', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };
      server = await startTestServer(setupEnv(setup, this, 'recovery-audit', env));
    });
    after(async () => {
      await server?.close();
      await mailbox?.close();
    });

    it('records a verified email and a password reset, by the user, without the mailed tokens', async () => {
      const address = `audited.${setup}.${Date.now()}@example.org`;
      const { client } = await server.api.registerUser({ email: address, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      const userId = client!.id;
      const verifyToken = tokenOf(linkIn(await mailbox.waitFor(address, /Confirm/), `${PUBLIC_URL}/verify-email?token=`));
      await server.api.verifyEmail({ token: verifyToken }, { userAgent: 'ResetTest/2.0' });
      await server.api.requestPasswordReset({ email: address });
      const resetToken = tokenOf(linkIn(await mailbox.waitFor(address, /Reset your/), `${PUBLIC_URL}/password-reset?token=`));
      await server.api.resetPassword({ token: resetToken, newPassword: NEW_PASSWORD });

      await server.app.audit.flush();
      const admin = (await server.api.login(ADMIN)).accessToken;
      const { events } = await server.api.listAuditEvents(ListAuditEventsRequest.fromPartial({ targetClientId: userId }), { token: admin });
      const verified = events.find((event) => event.type === 'email.verified');
      expect(verified).to.include({ actorId: userId, email: address, userAgent: 'ResetTest/2.0' });
      expect(events.find((event) => event.type === 'password.reset')).to.include({ actorId: userId, targetClientId: userId });
      const text = JSON.stringify(events);
      for (const secret of [verifyToken, resetToken, PASSWORD, NEW_PASSWORD]) expect(text).to.not.include(secret);
    });
  });
}
