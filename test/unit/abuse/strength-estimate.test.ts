import { expect } from 'chai';
import type { DomainError } from '../../../src/domain/kernel/errors.js';
import { PASSWORD_MAX_BYTES } from '../../../src/domain/kernel/validation.js';
import { UNIT_LIMITS, world } from '../fakes/world.js';

const ACCOUNT = { email: 'ada.king@analytical.example', firstName: 'Ada', lastName: 'Lovelace' };

/** Passwords of every verdict: a passphrase, the estimator's weak ones, the list, the length rules, the account's own words. */
const CASES = [
  'correct horse battery',
  'a passphrase of words',
  'Password1!',
  'Summer2024!',
  'letmein1',
  'short',
  'lovelace-forever',
  'ada.king',
  'aaaaaaaaaa',
];

describe('EstimatePasswordStrength (unit, with fakes)', () => {
  for (const password of CASES) {
    it(`gives ${JSON.stringify(password)} the verdict RegisterUser gives it, with the same advice`, async () => {
      const w = world();
      const verdict = await w.useCases.strengthEstimates.estimatePasswordStrength({ ...ACCOUNT, password, source: '203.0.113.1' });
      const registered = await w.useCases.registration
        .registerUser({ ...ACCOUNT, password, phoneNumber: '', attributes: {} })
        .then(() => null)
        .catch((error: unknown) => error as DomainError);
      expect(verdict.acceptable, 'acceptable').to.equal(registered === null);
      expect(verdict.reason).to.equal(registered?.reason ?? '');
      if (registered?.reason === 'PASSWORD_TOO_WEAK') {
        expect(registered.message).to.equal(['password is too easy to guess.', verdict.warning, ...verdict.suggestions].join(' '));
      }
      expect(JSON.stringify(verdict)).to.not.include(password);
    });
  }

  it('scores with the estimator on the account’s words, and answers its warning and suggestions', async () => {
    const w = world();
    const weak = await w.useCases.strengthEstimates.estimatePasswordStrength({ ...ACCOUNT, password: 'Password1!' });
    expect(weak).to.deep.equal({
      score: 1,
      acceptable: false,
      reason: 'PASSWORD_TOO_WEAK',
      warning: 'This is similar to a commonly used password.',
      suggestions: ['Add more words that are less common.'],
    });
    expect(w.estimator.inputs.at(-1)).to.have.members(['ada.king@analytical.example', 'ada.king', 'ada', 'king', 'analytical', 'Ada', 'Lovelace']);
    const strong = await w.useCases.strengthEstimates.estimatePasswordStrength({ password: 'correct horse battery' });
    expect(strong).to.deep.equal({ score: 4, acceptable: true, reason: '', warning: '', suggestions: [] });
  });

  it('takes an email still being typed as words, without refusing it', async () => {
    const w = world();
    const verdict = await w.useCases.strengthEstimates.estimatePasswordStrength({ email: 'Marguerite.Yourcenar@', password: 'yourcenar forever' });
    expect(verdict).to.include({ acceptable: false, reason: 'PASSWORD_TOO_WEAK' });
    expect(w.estimator.inputs.at(-1)).to.include('yourcenar');
  });

  it(`refuses a password over ${PASSWORD_MAX_BYTES} bytes, and names over 100 characters, with INVALID_ARGUMENT, asking nothing`, async () => {
    const w = world();
    const estimate = w.useCases.strengthEstimates;
    const tooLong = await estimate.estimatePasswordStrength({ password: 'é'.repeat(PASSWORD_MAX_BYTES / 2 + 1) }).catch((error: unknown) => error);
    expect(tooLong).to.include({ reason: 'INVALID_ARGUMENT', field: 'password' });
    expect(await estimate.estimatePasswordStrength({ password: '' }).catch((error: unknown) => error)).to.include({ field: 'password' });
    expect(await estimate.estimatePasswordStrength({ password: 'x y z w v', firstName: 'A'.repeat(101) }).catch((error: unknown) => error)).to.include({
      field: 'first_name',
    });
    expect(
      await estimate.estimatePasswordStrength({ password: 'x y z w v', email: `${'a'.repeat(250)}@example.com` }).catch((error: unknown) => error),
    ).to.include({ field: 'email' });
    expect(w.estimator.inputs).to.deep.equal([]);
  });

  it(`answers TOO_MANY_ATTEMPTS past ${UNIT_LIMITS.estimatePerSource.points} estimates from one source, asking the estimator nothing more; another source goes on`, async () => {
    const w = world();
    const estimate = (source: string) => w.useCases.strengthEstimates.estimatePasswordStrength({ password: 'correct horse battery', source });
    for (let i = 0; i < UNIT_LIMITS.estimatePerSource.points; i++) await estimate('203.0.113.7');
    const asked = w.estimator.inputs.length;
    const refused = await estimate('203.0.113.7').catch((error: unknown) => error);
    expect(refused).to.include({ reason: 'TOO_MANY_ATTEMPTS' });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).to.be.greaterThan(0);
    expect(w.estimator.inputs.length).to.equal(asked);
    expect(await estimate('203.0.113.8')).to.include({ acceptable: true });
  });

  it('does not count estimates against registrations from the same source', async () => {
    const w = world();
    for (let i = 0; i < UNIT_LIMITS.estimatePerSource.points; i++) {
      await w.useCases.strengthEstimates.estimatePasswordStrength({ password: 'correct horse battery', source: '203.0.113.9' });
    }
    const registered = await w.useCases.registration.registerUser({
      email: 'new@example.com',
      password: 'correct horse battery',
      firstName: '',
      lastName: '',
      phoneNumber: '',
      attributes: {},
      source: '203.0.113.9',
    });
    expect(registered.email).to.equal('new@example.com');
  });
});
