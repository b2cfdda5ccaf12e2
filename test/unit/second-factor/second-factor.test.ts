import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { AesGcmSecretSealer } from '../../../src/adapters/crypto/secret-sealer.js';
import { SimpleWebAuthnCeremonies } from '../../../src/adapters/crypto/simplewebauthn-ceremonies.js';
import { SealError, type WebAuthnCeremonies } from '../../../src/domain/second-factor/ports.js';
import { isLoginChallenge } from '../../../src/domain/sessions/ports.js';
import { fakeRecovery } from '../fakes/recovery.js';
import { adminPrincipal, PASSWORD, reasonOf, registeredUser, type World, world } from '../fakes/world.js';

const codeAt = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });
const noFactor = { totpCode: '', recoveryCode: '', passkey: null };

async function userWithTotp(w: World) {
  const user = await registeredUser(w);
  const { secret } = await w.useCases.totp.beginEnrollment(user.principal);
  const { recoveryCodes } = await w.useCases.totp.confirmEnrollment(user.principal, { code: codeAt(secret, w.clock.now()) });
  const challenge = async () => {
    const answer = await w.useCases.sessionTokens.login({ email: user.email, password: PASSWORD });
    if (!isLoginChallenge(answer)) throw new Error('expected a challenge');
    return answer.challengeToken;
  };
  return { ...user, secret, recoveryCodes, challenge };
}

describe('Second factors (unit, with fakes)', () => {
  it('accepts a TOTP code one step early or late, and refuses one two steps off', async () => {
    const w = world();
    const user = await userWithTotp(w);
    w.clock.advance(10 * 30_000);
    const complete = async (offsetSteps: number) =>
      w.useCases.secondFactorLogin.completeLogin({
        ...noFactor,
        challengeToken: await user.challenge(),
        totpCode: codeAt(user.secret, w.clock.now() + offsetSteps * 30_000),
      });
    expect(await reasonOf(complete(2))).to.equal('SECOND_FACTOR_INVALID');
    expect(await reasonOf(complete(-2))).to.equal('SECOND_FACTOR_INVALID');
    expect((await complete(1)).client.id).to.equal(user.client.id);
    expect((await complete(-1)).client.id).to.equal(user.client.id);
    expect((await complete(0)).client.id).to.equal(user.client.id);
  });

  it('refuses a login challenge after its five minutes', async () => {
    const w = world();
    const user = await userWithTotp(w);
    const challengeToken = await user.challenge();
    w.clock.advance(5 * 60_000);
    expect(await reasonOf(w.useCases.secondFactorLogin.completeLogin({ ...noFactor, challengeToken, totpCode: codeAt(user.secret, w.clock.now()) }))).to.equal(
      'CHALLENGE_INVALID',
    );
  });

  it('refuses a suspended user at the second step too', async () => {
    const w = world();
    const user = await userWithTotp(w);
    const challengeToken = await user.challenge();
    await w.useCases.suspension.suspendClient(adminPrincipal(), { clientId: user.client.id, reason: 'abuse' });
    expect(
      await reasonOf(w.useCases.secondFactorLogin.completeLogin({ ...noFactor, challengeToken, totpCode: codeAt(user.secret, w.clock.now() + 30_000) })),
    ).to.equal('CLIENT_SUSPENDED');
  });

  it('does not let a passkey ceremony begun by one user be finished by another', async () => {
    const w = world();
    const alice = await registeredUser(w);
    const bob = await registeredUser(w);
    const { ceremonyToken } = await w.useCases.passkeys.beginRegistration(alice.principal);
    expect(await reasonOf(w.useCases.passkeys.finishRegistration(bob.principal, { ceremonyToken, response: {}, name: '' }))).to.equal('CHALLENGE_INVALID');
  });

  it('refuses a passkey login alone to a suspended user, and with REQUIRE_VERIFIED_EMAIL to an unverified one, as Login does', async () => {
    // Ceremonies that take any assertion of a stored passkey: what is tested is what follows the signature.
    const real = new SimpleWebAuthnCeremonies();
    const webauthn: WebAuthnCeremonies = {
      registrationOptions: (input) => real.registrationOptions(input),
      verifyRegistration: (input) => real.verifyRegistration(input),
      authenticationOptions: (input) => real.authenticationOptions(input),
      verifyAuthentication: async ({ credential }) => ({ newCounter: credential.counter + 1 }),
    };
    let now = () => 0;
    const { recovery } = fakeRecovery(() => now(), { requireVerifiedEmail: true });
    const w = world({ recovery, webauthn });
    now = w.clock.now;
    const client = await w.useCases.registration.registerUser({
      email: 'passkey@example.com',
      password: PASSWORD,
      firstName: '',
      lastName: '',
      phoneNumber: '',
      attributes: {},
    });
    const at = new Date(w.clock.now());
    await w.secondFactors.addPasskey({
      id: 'credential-1',
      clientId: client.id,
      publicKey: 'k',
      counter: 0,
      transports: [],
      name: 'laptop',
      backedUp: false,
      createdAt: at,
      lastUsedAt: null,
    });
    const passkeyLogin = async () => {
      const { ceremonyToken } = await w.useCases.passkeys.beginLogin({ challengeToken: '' });
      return w.useCases.passkeys.finishLogin({ ceremonyToken, response: { id: 'credential-1', response: {} } });
    };
    expect(await reasonOf(w.useCases.sessionTokens.login({ email: 'passkey@example.com', password: PASSWORD }))).to.equal('EMAIL_NOT_VERIFIED');
    expect(await reasonOf(passkeyLogin())).to.equal('EMAIL_NOT_VERIFIED');
    await w.clients.update(client.id, { emailVerifiedAt: at });
    expect((await passkeyLogin()).client.id).to.equal(client.id);
    await w.useCases.suspension.suspendClient(adminPrincipal(), { clientId: client.id, reason: 'abuse' });
    expect(await reasonOf(w.useCases.sessionTokens.login({ email: 'passkey@example.com', password: PASSWORD }))).to.equal('CLIENT_SUSPENDED');
    expect(await reasonOf(passkeyLogin())).to.equal('CLIENT_SUSPENDED');
  });

  it('turns passkeys off when no origin is configured', async () => {
    const w = world({ secondFactorSettings: { totpIssuer: 'x', webauthn: { rpId: 'localhost', rpName: 'x', origins: [] } } });
    expect(await reasonOf(w.useCases.passkeys.beginLogin({ challengeToken: '' }))).to.equal('PASSKEYS_NOT_CONFIGURED');
  });

  it('refuses the codes of a secret sealed under another key, while a recovery code still logs in', async () => {
    const w = world();
    const user = await userWithTotp(w);
    const factor = w.secondFactors.totp.get(user.client.id)!;
    factor.sealedSecret = new AesGcmSecretSealer('the key-encryption key before a change').seal(user.secret, `totp:${user.client.id}`);
    const code = codeAt(user.secret, w.clock.now() + 30_000);
    expect(await reasonOf(w.useCases.secondFactorLogin.completeLogin({ ...noFactor, challengeToken: await user.challenge(), totpCode: code }))).to.equal(
      'SECOND_FACTOR_INVALID',
    );
    const pair = await w.useCases.secondFactorLogin.completeLogin({
      ...noFactor,
      challengeToken: await user.challenge(),
      recoveryCode: user.recoveryCodes[0]!,
    });
    expect(pair.client.id).to.equal(user.client.id);
  });

  it('seals a value so that it opens only with its binding and its key', () => {
    const sealer = new AesGcmSecretSealer('a key-encryption key of at least 32 bytes');
    const sealed = sealer.seal('JBSWY3DPEHPK3PXP', 'totp:alice');
    expect(sealed).to.not.contain('JBSWY3DPEHPK3PXP');
    expect(sealer.open(sealed, 'totp:alice')).to.equal('JBSWY3DPEHPK3PXP');
    expect(() => sealer.open(sealed, 'totp:bob')).to.throw(SealError);
    expect(() => new AesGcmSecretSealer('another key-encryption key, 32+ bytes').open(sealed, 'totp:alice')).to.throw(SealError);
  });
});
