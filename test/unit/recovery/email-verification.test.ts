import { expect } from 'chai';
import { recoveryWorld } from '../fakes/recovery.js';
import { reasonOf, registeredUser } from '../fakes/world.js';

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
