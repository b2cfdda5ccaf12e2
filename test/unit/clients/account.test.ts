import { expect } from 'chai';
import { tokenPair } from '../fakes/second-factor.js';
import { LIFETIMES, PASSWORD, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('Account: GetMe and ChangePassword (unit, with fakes)', () => {
  it("returns the caller's record without hashes, and CLIENT_NOT_FOUND once it is gone", async () => {
    const w = world();
    const { principal, email } = await registeredUser(w);
    const me = await w.useCases.account.getMe(principal);
    expect(me).to.include({ email });
    expect(me).not.to.have.property('passwordHash');
    await w.clients.delete(principal.clientId);
    expect(await reasonOf(w.useCases.account.getMe(principal))).to.equal('CLIENT_NOT_FOUND');
  });

  it('changes the password and revokes every other session, in the store and on the revocation list', async () => {
    const w = world();
    const { principal, email } = await registeredUser(w);
    const other = tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD }));
    const otherSession = (await w.tokens.verify(other.access.token)).sessionId;
    await w.useCases.account.changePassword(principal, { currentPassword: PASSWORD, newPassword: 'a brand new password' });
    expect(await reasonOf(w.useCases.sessionTokens.login({ email, password: PASSWORD }))).to.equal('INVALID_CREDENTIALS');
    await w.useCases.sessionTokens.login({ email, password: 'a brand new password' });
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: other.refresh.token }))).to.equal('SESSION_REVOKED');
    expect(await w.revocations.status(principal.clientId, otherSession)).to.equal('SESSION_REVOKED');
    expect(await w.revocations.status(principal.clientId, principal.sessionId)).to.equal(null);
    w.clock.advance(LIFETIMES.accessToken * 1000);
    expect(await w.revocations.status(principal.clientId, otherSession)).to.equal(null);
  });

  it('keeps the change when the revocation list is down, logging that the access tokens are not yet listed', async () => {
    const w = world();
    const { principal, email } = await registeredUser(w);
    await w.useCases.sessionTokens.login({ email, password: PASSWORD });
    w.revocations.down = true;
    await w.useCases.account.changePassword(principal, { currentPassword: PASSWORD, newPassword: 'a brand new password' });
    expect(w.logs).to.include('revoked sessions not yet on the revocation list');
  });

  it('refuses a wrong current password, a weak new one, and a service', async () => {
    const w = world();
    const { principal } = await registeredUser(w);
    expect(await reasonOf(w.useCases.account.changePassword(principal, { currentPassword: 'wrong one', newPassword: 'a brand new password' }))).to.equal(
      'INVALID_CREDENTIALS',
    );
    expect(await reasonOf(w.useCases.account.changePassword(principal, { currentPassword: PASSWORD, newPassword: 'short' }))).to.equal('INVALID_ARGUMENT');
    expect(
      await reasonOf(w.useCases.account.changePassword({ ...principal, kind: 'service' }, { currentPassword: PASSWORD, newPassword: 'a brand new password' })),
    ).to.equal('NOT_A_USER');
  });

  it('checks the current password in a place taken in the hashing queue, given back whether it was right or wrong', async () => {
    const w = world();
    const { principal } = await registeredUser(w);
    const before = w.hasher.reservations;
    expect(await reasonOf(w.useCases.account.changePassword(principal, { currentPassword: 'wrong one', newPassword: 'a brand new password' }))).to.equal(
      'INVALID_CREDENTIALS',
    );
    await w.useCases.account.changePassword(principal, { currentPassword: PASSWORD, newPassword: 'a brand new password' });
    expect(w.hasher.reservations - before).to.equal(2);
    expect(w.hasher.released).to.equal(w.hasher.reservations);
  });
});
