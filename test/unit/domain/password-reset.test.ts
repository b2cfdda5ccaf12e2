import { expect } from 'chai';
import { PASSWORD, reasonOf, registeredUser, world } from './fakes';
import { fakeRecovery } from './recovery-fakes';

const NEW_PASSWORD = 'a brand new passphrase';

/** A world of fakes with password reset and email verification wired, on the world's clock. */
function recoveryWorld(settings = {}) {
  let clock: (() => number) | undefined;
  const parts = fakeRecovery(() => clock!(), settings);
  const w = world({ recovery: parts.recovery });
  clock = w.clock.now;
  return { w, ...parts };
}

describe('PasswordReset: RequestPasswordReset and ResetPassword (unit, with fakes)', () => {
  it('accepts a reset token until the last millisecond of PASSWORD_RESET_TTL_MIN', async () => {
    const { w, transport, mailer } = recoveryWorld();
    const { email } = await registeredUser(w);
    await w.useCases.passwordReset.requestPasswordReset({ email, clientIp: '' });
    await w.useCases.passwordReset.settle();
    await mailer.flush();
    w.clock.advance(30 * 60 * 1000 - 1);
    await w.useCases.passwordReset.resetPassword({ token: transport.tokenFor(email, 'password-reset'), newPassword: NEW_PASSWORD });
    await w.useCases.sessionTokens.login({ email, password: NEW_PASSWORD });
  });

  it('refuses a reset token once PASSWORD_RESET_TTL_MIN has passed, and the password stays', async () => {
    const { w, transport, mailer } = recoveryWorld();
    const { email } = await registeredUser(w);
    await w.useCases.passwordReset.requestPasswordReset({ email, clientIp: '' });
    await w.useCases.passwordReset.settle();
    await mailer.flush();
    w.clock.advance(30 * 60 * 1000);
    expect(await reasonOf(w.useCases.passwordReset.resetPassword({ token: transport.tokenFor(email, 'password-reset'), newPassword: NEW_PASSWORD }))).to.equal(
      'RESET_TOKEN_INVALID',
    );
    await w.useCases.sessionTokens.login({ email, password: PASSWORD });
  });

  it('revokes every session, the caller of none included, and puts them on the revocation list', async () => {
    const { w, transport, mailer } = recoveryWorld();
    const { email, principal } = await registeredUser(w);
    await w.useCases.passwordReset.requestPasswordReset({ email, clientIp: '' });
    await w.useCases.passwordReset.settle();
    await mailer.flush();
    await w.useCases.passwordReset.resetPassword({ token: transport.tokenFor(email, 'password-reset'), newPassword: NEW_PASSWORD });
    expect(await w.revocations.status(principal.clientId, principal.sessionId)).to.equal('SESSION_REVOKED');
    await mailer.flush();
    expect(transport.sent.map((mail) => mail.subject)).to.deep.equal(['email-verification', 'password-reset', 'password-changed']);
  });

  it('does not let a verification token reset a password', async () => {
    const { w, transport, mailer } = recoveryWorld();
    const { email } = await registeredUser(w);
    await mailer.flush();
    const verification = transport.tokenFor(email, 'email-verification');
    expect(await reasonOf(w.useCases.passwordReset.resetPassword({ token: verification, newPassword: NEW_PASSWORD }))).to.equal('RESET_TOKEN_INVALID');
    expect((await w.useCases.emailVerification.verifyEmail({ token: verification })).emailVerifiedAt).to.be.instanceOf(Date);
  });

  it('answers FEATURE_DISABLED with PASSWORD_RESET off, and without recovery wired at all', async () => {
    const off = recoveryWorld({ passwordReset: false }).w;
    expect(await reasonOf(off.useCases.passwordReset.requestPasswordReset({ email: 'a@b.co', clientIp: '' }))).to.equal('FEATURE_DISABLED');
    expect(await reasonOf(world().useCases.passwordReset.resetPassword({ token: 'x', newPassword: NEW_PASSWORD }))).to.equal('FEATURE_DISABLED');
  });
});

describe('EmailVerification: SendEmailVerification and VerifyEmail (unit, with fakes)', () => {
  it('refuses a verification token after EMAIL_VERIFICATION_TTL_HOURS', async () => {
    const { w, transport, mailer } = recoveryWorld();
    const { email } = await registeredUser(w);
    await mailer.flush();
    w.clock.advance(48 * 3600 * 1000);
    expect(await reasonOf(w.useCases.emailVerification.verifyEmail({ token: transport.tokenFor(email, 'email-verification') }))).to.equal(
      'VERIFICATION_TOKEN_INVALID',
    );
  });

  it('keeps the first verification time when a second link is used', async () => {
    const { w, transport, mailer } = recoveryWorld();
    const { email, principal } = await registeredUser(w);
    await w.useCases.emailVerification.sendEmailVerification(principal);
    await mailer.flush();
    const [first, second] = transport.sent.filter((mail) => mail.to === email).map((mail) => /token=([\w-]+)/.exec(mail.values['link']!)![1]!);
    const verified = await w.useCases.emailVerification.verifyEmail({ token: first! });
    w.clock.advance(1000);
    expect(await reasonOf(w.useCases.emailVerification.verifyEmail({ token: second! }))).to.equal('VERIFICATION_TOKEN_INVALID');
    expect((await w.clients.findById(principal.clientId))!.emailVerifiedAt).to.deep.equal(verified.emailVerifiedAt);
  });

  it('limits SendEmailVerification per user', async () => {
    const { w } = recoveryWorld();
    const { principal } = await registeredUser(w);
    for (let i = 0; i < 3; i++) await w.useCases.emailVerification.sendEmailVerification(principal);
    expect(await reasonOf(w.useCases.emailVerification.sendEmailVerification(principal))).to.equal('TOO_MANY_ATTEMPTS');
  });
});
