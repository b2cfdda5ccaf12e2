/**
 * Passwords judged by the strength estimator as well as the list: the patterned passwords
 * a cracker tries early (a word, a capital, a digit and a symbol) are refused wherever a
 * password is set, and a passphrase is not. The rule itself does not depend on the set-up,
 * so one set-up is enough here; the bridge's routes are in
 * test/integration/bridge/password-strength-routes.test.ts.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { PASSWORD } from '../../support/attacks.js';
import { PATTERNED_PASSWORDS, STRONG_PASSPHRASE } from '../../support/passwords.js';
import { failure, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';

const PUBLIC_URL = 'https://auth.example.test';

describe('Patterned passwords are refused wherever a password is set (gRPC)', function () {
  this.timeout(60000);
  let server: TestServer;
  let mailbox: SmtpMailbox;
  let counter = 0;
  const email = (prefix: string) => `${prefix}${++counter}.${Date.now()}@example.com`;

  before(async function () {
    mailbox = await startSmtpMailbox();
    server = await startTestServer(setupEnv('embedded', this, 'password_strength', { SMTP_URL: mailbox.url, PUBLIC_URL, RECOVERY_REQUESTS_MAX: '1000' }));
  });
  after(async () => {
    await server?.close();
    await mailbox?.close();
  });

  const register = (address: string, password: string) =>
    server.api.registerUser({ email: address, password, firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '', attributes: {} });

  for (const password of PATTERNED_PASSWORDS) {
    it(`refuses RegisterUser with ${JSON.stringify(password)}: INVALID_ARGUMENT / PASSWORD_TOO_WEAK on password, nothing stored`, async () => {
      const address = email('weak');
      const refused = await failure(register(address, password));
      expect(refused).to.include({ code: status.INVALID_ARGUMENT, reason: 'PASSWORD_TOO_WEAK', field: 'password' });
      expect(refused.message).to.not.include(password);
      expect(await server.store.countClients({ email: address })).to.equal(0);
    });
  }

  it('accepts a passphrase the estimator scores high', async () => {
    const { client } = await register(email('strong'), STRONG_PASSPHRASE);
    expect(client!.email).to.match(/^strong/);
  });

  it('explains a refusal with the estimator’s warning and suggestions, never with the password', async () => {
    const refused = await failure(register(email('explained'), 'Password123!'));
    expect(refused.message).to.match(/too easy to guess/);
    expect(refused.message).to.match(/commonly used password/);
    expect(refused.message).to.not.include('Password123!');
  });

  it('refuses a password made of the user’s own name and email', async () => {
    const address = `marguerite.yourcenar${Date.now()}@example.com`;
    const refused = await failure(
      server.api.registerUser({
        email: address,
        password: 'MargueriteYourcenar',
        firstName: 'Marguerite',
        lastName: 'Yourcenar',
        phoneNumber: '',
        attributes: {},
      }),
    );
    expect(refused).to.include({ reason: 'PASSWORD_TOO_WEAK', field: 'password' });
    expect(refused.message).to.match(/personal/);
  });

  it('refuses each patterned password as the new password of ChangePassword and keeps the old one', async () => {
    const address = email('changer');
    await register(address, PASSWORD);
    const token = (await server.api.login({ email: address, password: PASSWORD })).accessToken;
    for (const password of PATTERNED_PASSWORDS) {
      const refused = await failure(server.api.changePassword({ currentPassword: PASSWORD, newPassword: password }, { token }));
      expect(refused, password).to.include({ code: status.INVALID_ARGUMENT, reason: 'PASSWORD_TOO_WEAK', field: 'new_password' });
    }
    expect((await server.api.login({ email: address, password: PASSWORD })).client!.email).to.equal(address);
    await server.api.changePassword({ currentPassword: PASSWORD, newPassword: STRONG_PASSPHRASE }, { token });
    expect((await server.api.login({ email: address, password: STRONG_PASSPHRASE })).client!.email).to.equal(address);
  });

  it('refuses each patterned password on ResetPassword without spending the token, which then sets a strong one', async () => {
    const address = email('resetter');
    await register(address, PASSWORD);
    await server.api.requestPasswordReset({ email: address });
    const token = tokenOf(linkIn(await mailbox.waitFor(address, /Reset your/), `${PUBLIC_URL}/password-reset?token=`));
    for (const password of PATTERNED_PASSWORDS) {
      const refused = await failure(server.api.resetPassword({ token, newPassword: password }));
      expect(refused, password).to.include({ code: status.INVALID_ARGUMENT, reason: 'PASSWORD_TOO_WEAK', field: 'new_password' });
    }
    expect((await server.api.login({ email: address, password: PASSWORD })).client!.email).to.equal(address);
    await server.api.resetPassword({ token, newPassword: STRONG_PASSPHRASE });
    expect((await server.api.login({ email: address, password: STRONG_PASSPHRASE })).client!.email).to.equal(address);
  });

  it('answers an unknown reset token RESET_TOKEN_INVALID whatever the password, so a weak password tells nothing about the token', async () => {
    const refused = await failure(server.api.resetPassword({ token: 'A'.repeat(43), newPassword: 'Password1!' }));
    expect(refused).to.include({ reason: 'RESET_TOKEN_INVALID' });
  });
});
