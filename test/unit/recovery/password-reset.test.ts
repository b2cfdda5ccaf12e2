import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { isLoginChallenge } from '../../../src/domain/sessions/ports.js';
import { recoveryWorld } from '../fakes/recovery.js';
import { PASSWORD, reasonOf, registeredUser, world } from '../fakes/world.js';

const NEW_PASSWORD = 'a brand new passphrase';

/** Asks for a reset of `email` and has its mail sent; returns the token in it. */
async function mailedResetToken({ w, transport, mailer }: ReturnType<typeof recoveryWorld>, email: string): Promise<string> {
  await w.useCases.passwordReset.requestPasswordReset({ email, clientIp: '' });
  await w.useCases.passwordReset.settle();
  await mailer.flush();
  return transport.tokenFor(email, 'password-reset');
}

describe('PasswordReset: RequestPasswordReset and ResetPassword (unit, with fakes)', () => {
  it('accepts a reset token until the last millisecond of PASSWORD_RESET_TTL_MIN', async () => {
    const world = recoveryWorld();
    const { w } = world;
    const { email } = await registeredUser(w);
    const token = await mailedResetToken(world, email);
    w.clock.advance(30 * 60 * 1000 - 1);
    await w.useCases.passwordReset.resetPassword({ token, newPassword: NEW_PASSWORD });
    await w.useCases.sessionTokens.login({ email, password: NEW_PASSWORD });
  });

  it('refuses a reset token once PASSWORD_RESET_TTL_MIN has passed, and the password stays', async () => {
    const world = recoveryWorld();
    const { w } = world;
    const { email } = await registeredUser(w);
    const token = await mailedResetToken(world, email);
    w.clock.advance(30 * 60 * 1000);
    expect(await reasonOf(w.useCases.passwordReset.resetPassword({ token, newPassword: NEW_PASSWORD }))).to.equal('RESET_TOKEN_INVALID');
    await w.useCases.sessionTokens.login({ email, password: PASSWORD });
  });

  it('keeps the reset link working when the server is too busy to hash the new password, so the user can try again', async () => {
    const world = recoveryWorld();
    const { w } = world;
    const { email } = await registeredUser(w);
    const token = await mailedResetToken(world, email);
    w.hasher.hashBusy = true;
    expect(await reasonOf(w.useCases.passwordReset.resetPassword({ token, newPassword: NEW_PASSWORD }))).to.equal('SERVER_BUSY');
    await w.useCases.sessionTokens.login({ email, password: PASSWORD });
    w.hasher.hashBusy = false;
    await w.useCases.passwordReset.resetPassword({ token, newPassword: NEW_PASSWORD });
    await w.useCases.sessionTokens.login({ email, password: NEW_PASSWORD });
  });

  it('revokes every session, the caller of none included, and puts them on the revocation list', async () => {
    const world = recoveryWorld();
    const { w, transport, mailer } = world;
    const { email, principal } = await registeredUser(w);
    await w.useCases.passwordReset.resetPassword({ token: await mailedResetToken(world, email), newPassword: NEW_PASSWORD });
    expect(await w.revocations.status(principal.clientId, principal.sessionId)).to.equal('SESSION_REVOKED');
    await mailer.flush();
    expect(transport.sent.map((mail) => mail.subject)).to.deep.equal(['email-verification', 'password-reset', 'password-changed']);
  });

  it('leaves a second factor in force: the reset gives no token, and the new password alone gets a challenge, not a session', async () => {
    const world = recoveryWorld();
    const { w } = world;
    const { email, principal } = await registeredUser(w);
    const { secret } = await w.useCases.totp.beginEnrollment(principal);
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: w.clock.now() });
    await w.useCases.totp.confirmEnrollment(principal, { code });
    expect(await w.useCases.passwordReset.resetPassword({ token: await mailedResetToken(world, email), newPassword: NEW_PASSWORD })).to.equal(undefined);
    expect(isLoginChallenge(await w.useCases.sessionTokens.login({ email, password: NEW_PASSWORD }))).to.equal(true);
    expect(await w.secondFactors.findTotp(principal.clientId)).to.include({ clientId: principal.clientId });
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
