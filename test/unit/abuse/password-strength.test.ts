import { expect } from 'chai';
import { accountWords, MinimumStrength } from '../../../src/domain/abuse/password-strength.js';
import { DomainError } from '../../../src/domain/kernel/errors.js';
import { recoveryWorld } from '../fakes/recovery.js';
import { FakePasswordStrength, PASSWORD, reasonOf, registeredUser, world } from '../fakes/world.js';

const input = { password: 'Password1!', firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '', attributes: {} };

describe('The minimum strength of a password (unit, with fakes)', () => {
  it('refuses a weak password on RegisterUser with PASSWORD_TOO_WEAK on `password`, the estimator’s sentences and not the password; nothing stored', async () => {
    const w = world();
    const refusal = await w.useCases.registration.registerUser({ ...input, email: 'ada@example.com' }).catch((error: unknown) => error as DomainError);
    expect(refusal).to.be.instanceOf(DomainError);
    expect(refusal).to.include({ reason: 'PASSWORD_TOO_WEAK', kind: 'invalid_argument', field: 'password' });
    expect((refusal as DomainError).message).to.equal(
      'password is too easy to guess. This is similar to a commonly used password. Add more words that are less common.',
    );
    expect(await w.clients.findByEmail('ada@example.com')).to.equal(null);
  });

  it('judges the password with the account’s own words: the email, its parts, the domain’s first label and the names', async () => {
    const w = world();
    await w.useCases.registration.registerUser({ ...input, email: 'ada.king@analytical.example', password: 'a passphrase of words' });
    expect(w.estimator.inputs.at(-1)).to.have.members(['ada.king@analytical.example', 'ada.king', 'ada', 'king', 'analytical', 'Ada', 'Lovelace']);
    expect(await reasonOf(w.useCases.registration.registerUser({ ...input, email: 'babbage@example.com', password: 'lovelace-forever' }))).to.equal(
      'PASSWORD_TOO_WEAK',
    );
  });

  it('refuses a weak new password on ChangePassword, keeping the old one', async () => {
    const w = world();
    const { principal, email } = await registeredUser(w);
    const refused = await w.useCases.account
      .changePassword(principal, { currentPassword: PASSWORD, newPassword: 'Summer2024!' })
      .catch((error: unknown) => error);
    expect(refused).to.include({ reason: 'PASSWORD_TOO_WEAK', field: 'new_password' });
    expect(w.estimator.inputs.at(-1)).to.include(email);
    await w.useCases.sessionTokens.login({ email, password: PASSWORD });
  });

  it('refuses a weak new password on ResetPassword without spending the token, judged with the holder’s email', async () => {
    const { w, transport, mailer } = recoveryWorld();
    const { email } = await registeredUser(w);
    await w.useCases.passwordReset.requestPasswordReset({ email, clientIp: '' });
    await w.useCases.passwordReset.settle();
    await mailer.flush();
    const token = transport.tokenFor(email, 'password-reset');
    const refused = await w.useCases.passwordReset.resetPassword({ token, newPassword: 'qwertyqwerty' }).catch((error: unknown) => error);
    expect(refused).to.include({ reason: 'PASSWORD_TOO_WEAK', field: 'new_password' });
    expect(w.estimator.inputs.at(-1)).to.include(email);
    await w.useCases.passwordReset.resetPassword({ token, newPassword: 'a brand new passphrase' });
    await w.useCases.sessionTokens.login({ email, password: 'a brand new passphrase' });
  });

  it('asks the estimator nothing for an unknown reset token', async () => {
    const { w } = recoveryWorld();
    expect(await reasonOf(w.useCases.passwordReset.resetPassword({ token: 'A'.repeat(43), newPassword: 'Password1!' }))).to.equal('RESET_TOKEN_INVALID');
    expect(w.estimator.inputs).to.deep.equal([]);
  });

  it('refuses a weak ADMIN_PASSWORD, and one on the common-password list, before the admin is stored', async () => {
    const w = world();
    expect(await w.useCases.adminBootstrap.ensureAdmin('root@example.com', 'Password1!').catch((error: unknown) => error)).to.include({
      reason: 'PASSWORD_TOO_WEAK',
      field: 'ADMIN_PASSWORD',
    });
    expect(await reasonOf(w.useCases.adminBootstrap.ensureAdmin('root@example.com', 'letmein1'))).to.equal('PASSWORD_TOO_COMMON');
    expect(await w.clients.findByEmail('root@example.com')).to.equal(null);
  });

  it('asks nothing of the estimator with a minimum of 0, and lets every password through', async () => {
    const estimator = new FakePasswordStrength();
    await new MinimumStrength(estimator, 0).check('password', 'Password1!', { email: 'a@example.com' });
    expect(estimator.inputs).to.deep.equal([]);
  });

  it('counts no word shorter than three characters as the account’s own', () => {
    expect(accountWords({ email: 'jo.x@ab.example', firstName: 'Jo', lastName: '' })).to.deep.equal(['jo.x@ab.example', 'jo.x']);
  });
});
