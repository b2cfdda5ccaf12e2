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

describe('Account: UpdateMyProfile (unit, with fakes)', () => {
  it('changes the first and last name it is given, trimmed, leaves one it is not given, and records the change', async () => {
    const w = world();
    const { principal } = await registeredUser(w);
    w.clock.advance(60_000);
    const updated = await w.useCases.account.updateProfile(principal, { firstName: '  Grace ', lastName: 'Hopper' });
    expect(updated).to.include({ firstName: 'Grace', lastName: 'Hopper' });
    expect(updated.updatedAt).to.deep.equal(new Date(w.clock.now()));
    expect(updated).not.to.have.property('passwordHash');
    expect(await w.clients.findById(principal.clientId)).to.include({ firstName: 'Grace', lastName: 'Hopper' });
    expect(await w.useCases.account.updateProfile(principal, { lastName: '' })).to.include({ firstName: 'Grace', lastName: '' });
    await w.audit.flush();
    const records = [...w.auditLog.records.values()].filter((record) => record.type === 'profile.updated');
    expect(records.map(({ actor, target, sessionId, outcome }) => ({ actor, target, sessionId, outcome }))).to.deep.equal([
      { actor: principal.clientId, target: principal.clientId, sessionId: principal.sessionId, outcome: 'success' },
      { actor: principal.clientId, target: principal.clientId, sessionId: principal.sessionId, outcome: 'success' },
    ]);
  });

  it('refuses a name registration would refuse, naming the field, and changes nothing', async () => {
    const w = world();
    const { principal } = await registeredUser(w);
    for (const [input, field] of [
      [{ firstName: 'x'.repeat(101) }, 'first_name'],
      [{ firstName: 'Grace', lastName: 'Hop\u0000per' }, 'last_name'],
      [{ lastName: 'line\nbreak' }, 'last_name'],
    ] as const) {
      const error = await w.useCases.account.updateProfile(principal, input).catch((failure: unknown) => failure);
      expect(error).to.include({ reason: 'INVALID_ARGUMENT', field });
    }
    expect(await w.clients.findById(principal.clientId)).to.include({ firstName: 'Ada', lastName: '' });
  });

  it('answers a call that changes nothing with the record as it is, and refuses a service', async () => {
    const w = world();
    const { principal } = await registeredUser(w);
    expect(await w.useCases.account.updateProfile(principal, {})).to.include({ firstName: 'Ada' });
    expect(await reasonOf(w.useCases.account.updateProfile({ ...principal, kind: 'service' }, { firstName: 'Bot' }))).to.equal('NOT_A_USER');
    await w.clients.delete(principal.clientId);
    expect(await reasonOf(w.useCases.account.updateProfile(principal, { firstName: 'Grace' }))).to.equal('CLIENT_NOT_FOUND');
  });
});
