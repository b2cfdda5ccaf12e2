import { expect } from 'chai';
import { PASSWORD, reasonOf, registeredUser, UNIT_LIMITS, type World, world } from '../fakes/world.js';

async function auditRecords(w: World, type: string) {
  await w.audit.flush();
  return [...w.auditLog.records.values()]
    .filter((record) => record.type === type)
    .map(({ outcome, actor, target, details }) => ({ outcome, actor, target, details }));
}

describe('SelfDeletion: DeleteMyAccount (unit, with fakes)', () => {
  it('deletes the caller with its password re-entered, as DeleteClient does: record, sessions, factors, one deletion request', async () => {
    const w = world();
    const { client, principal, pair } = await registeredUser(w);
    await w.useCases.totp.beginEnrollment(principal);
    const request = await w.useCases.selfDeletion.deleteMyAccount(principal, { password: PASSWORD });
    expect(request).to.deep.include({ clientId: client.id, kind: 'user', requestedBy: client.id });
    expect(await w.clients.findById(client.id)).to.equal(null);
    expect(w.sessions.sessions.size).to.equal(0);
    expect(await w.secondFactors.findTotp(client.id)).to.equal(null);
    expect(w.outbox.entries.map((entry) => [entry.type, entry.clientId])).to.deep.equal([['client.deletion_requested', client.id]]);
    expect(await w.revocations.status(client.id, principal.sessionId)).to.equal('CLIENT_DELETED');
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: pair.refresh.token }))).to.equal('TOKEN_INVALID');
    expect(await auditRecords(w, 'client.deleted')).to.deep.equal([{ outcome: 'success', actor: client.id, target: client.id, details: {} }]);
  });

  it('refuses a wrong password with INVALID_CREDENTIALS, deletes nothing, and records the refusal', async () => {
    const w = world();
    const { client, principal } = await registeredUser(w);
    expect(await reasonOf(w.useCases.selfDeletion.deleteMyAccount(principal, { password: 'not my password' }))).to.equal('INVALID_CREDENTIALS');
    expect(await w.clients.findById(client.id)).to.not.equal(null);
    expect(w.outbox.entries).to.deep.equal([]);
    expect(await auditRecords(w, 'client.deleted')).to.deep.equal([
      { outcome: 'failure', actor: client.id, target: client.id, details: { reason: 'INVALID_CREDENTIALS' } },
    ]);
  });

  it('counts wrong passwords against the same limit as ChangePassword, and checks them in a place of the hashing queue', async () => {
    const w = world();
    const { client, principal } = await registeredUser(w);
    const before = w.hasher.reservations;
    for (let i = 0; i < UNIT_LIMITS.loginPerEmailAndSource.points - 1; i++) {
      await w.useCases.selfDeletion.deleteMyAccount(principal, { password: 'wrong', source: '203.0.113.9' }).catch(() => undefined);
    }
    await w.useCases.account.changePassword(principal, { currentPassword: 'wrong', newPassword: 'a brand new password' }).catch(() => undefined);
    expect(await reasonOf(w.useCases.selfDeletion.deleteMyAccount(principal, { password: PASSWORD }))).to.equal('TOO_MANY_ATTEMPTS');
    expect(await w.clients.findById(client.id)).to.not.equal(null);
    expect(w.hasher.released).to.equal(w.hasher.reservations);
    expect(w.hasher.reservations - before).to.equal(UNIT_LIMITS.loginPerEmailAndSource.points + 1);
  });

  it('keeps the last active admin, and refuses a service and a missing password', async () => {
    const w = world();
    const { client, principal } = await registeredUser(w);
    await w.clients.update(client.id, { groups: ['user', 'admin'] });
    const admin = { ...principal, groups: ['user', 'admin'] };
    expect(await reasonOf(w.useCases.selfDeletion.deleteMyAccount(admin, { password: PASSWORD }))).to.equal('LAST_ADMIN');
    expect(await w.clients.findById(client.id)).to.deep.include({ groups: ['user', 'admin'] });
    const missing = await w.useCases.selfDeletion.deleteMyAccount(principal, { password: '' }).catch((failure: unknown) => failure);
    expect(missing).to.include({ reason: 'INVALID_ARGUMENT', field: 'password' });
    expect(await reasonOf(w.useCases.selfDeletion.deleteMyAccount({ ...principal, kind: 'service' }, { password: PASSWORD }))).to.equal('NOT_A_USER');
  });
});
