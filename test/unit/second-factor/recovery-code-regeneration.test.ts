import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { isLoginChallenge } from '../../../src/domain/sessions/ports.js';
import { PASSWORD, reasonOf, registeredUser, UNIT_LIMITS, type World, world } from '../fakes/world.js';

const codeAt = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });
const STEP = 30_000;

async function userWithTotp(w: World) {
  const user = await registeredUser(w);
  const { secret } = await w.useCases.totp.beginEnrollment(user.principal);
  const { recoveryCodes } = await w.useCases.totp.confirmEnrollment(user.principal, { code: codeAt(secret, w.clock.now()) });
  const { sealedSecret } = (await w.secondFactors.findTotp(user.client.id))!;
  // The next step: the enrolment used this one's code.
  w.clock.advance(STEP);
  return { ...user, secret, sealedSecret, recoveryCodes, code: () => codeAt(secret, w.clock.now()) };
}

/** Completes a login of `email` with a recovery code: the user id, or the reason it failed. */
async function loginWithRecoveryCode(w: World, email: string, recoveryCode: string): Promise<string> {
  const answer = await w.useCases.sessionTokens.login({ email, password: PASSWORD });
  if (!isLoginChallenge(answer)) throw new Error('expected a challenge');
  const login = w.useCases.secondFactorLogin.completeLogin({ challengeToken: answer.challengeToken, totpCode: '', recoveryCode, passkey: null });
  return login.then(
    (pair) => pair.client.id,
    (error: { reason?: string }) => error.reason ?? String(error),
  );
}

describe('RegenerateRecoveryCodes (unit, with fakes)', () => {
  it('hands out ten new codes for a current TOTP code: the new ones log in, the old ones, used or not, no longer do', async () => {
    const w = world();
    const user = await userWithTotp(w);
    expect(await loginWithRecoveryCode(w, user.email, user.recoveryCodes[0]!)).to.equal(user.client.id);

    const { recoveryCodes } = await w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code: user.code() });
    expect(recoveryCodes).to.have.length(10);
    expect(recoveryCodes).to.not.include.members(user.recoveryCodes);
    for (const old of user.recoveryCodes.slice(0, 2)) expect(await loginWithRecoveryCode(w, user.email, old)).to.equal('SECOND_FACTOR_INVALID');
    expect(await loginWithRecoveryCode(w, user.email, recoveryCodes[9]!)).to.equal(user.client.id);
    // Stored as hashes only, and the authenticator app is the same one.
    expect((await w.secondFactors.findTotp(user.client.id))!.sealedSecret).to.equal(user.sealedSecret);
    const stored = (await w.secondFactors.findTotp(user.client.id))!;
    expect(stored.recoveryCodeHashes).to.have.length(10);
    expect(JSON.stringify(stored)).to.not.contain(recoveryCodes[0]!);

    await w.audit.flush();
    const records = [...w.auditLog.records.values()].filter((record) => record.type === 'recovery_codes.regenerated');
    expect(records.map(({ actor, target, outcome }) => ({ actor, target, outcome }))).to.deep.equal([
      { actor: user.client.id, target: user.client.id, outcome: 'success' },
    ]);
  });

  it('refuses a wrong code, or one already used, with CODE_INVALID on the code field, and keeps the old codes', async () => {
    const w = world();
    const user = await userWithTotp(w);
    const code = user.code();
    const wrong = code === '000000' ? '111111' : '000000';
    const error = await w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code: wrong }).catch((failure: unknown) => failure);
    expect(error).to.include({ reason: 'CODE_INVALID', field: 'code' });
    expect(await loginWithRecoveryCode(w, user.email, user.recoveryCodes[0]!)).to.equal(user.client.id);
    await w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code });
    expect(await reasonOf(w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code }))).to.equal('CODE_INVALID');
    await w.audit.flush();
    const failures = [...w.auditLog.records.values()].filter((record) => record.type === 'recovery_codes.regenerated' && record.outcome === 'failure');
    expect(failures.map((record) => record.details.reason)).to.deep.equal(['CODE_INVALID', 'CODE_INVALID']);
  });

  it('counts wrong codes against the account, so a stolen access token cannot guess its way to new codes', async () => {
    const w = world();
    const user = await userWithTotp(w);
    const wrong = user.code() === '000000' ? '111111' : '000000';
    for (let i = 0; i < UNIT_LIMITS.loginPerEmailAndSource.points; i++) {
      expect(await reasonOf(w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code: wrong }))).to.equal('CODE_INVALID');
    }
    expect(await reasonOf(w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code: user.code() }))).to.equal('TOO_MANY_ATTEMPTS');
    expect(await loginWithRecoveryCode(w, user.email, user.recoveryCodes[1]!)).to.equal('TOO_MANY_ATTEMPTS');
  });

  it('refuses a user without a confirmed TOTP, a missing code, and a service', async () => {
    const w = world();
    const user = await registeredUser(w);
    expect(await reasonOf(w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code: '123456' }))).to.equal('TOTP_NOT_ENABLED');
    const { secret } = await w.useCases.totp.beginEnrollment(user.principal);
    expect(await reasonOf(w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code: codeAt(secret, w.clock.now()) }))).to.equal(
      'TOTP_NOT_ENABLED',
    );
    const missing = await w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code: '' }).catch((failure: unknown) => failure);
    expect(missing).to.include({ reason: 'INVALID_ARGUMENT', field: 'code' });
    await w.clients.update(user.client.id, { kind: 'service' });
    expect(await reasonOf(w.useCases.recoveryCodeRegeneration.regenerate(user.principal, { code: '123456' }))).to.equal('NOT_A_USER');
  });
});
