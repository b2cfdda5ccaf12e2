import { expect } from 'chai';
import type { Principal } from '../../../src/domain/kernel/client.js';
import { RetryLaterError } from '../../../src/domain/kernel/retry-later.js';
import { RECOVERY_SETTINGS, recoveryWorld } from '../fakes/recovery.js';
import { tokenPair } from '../fakes/second-factor.js';
import { PASSWORD, reasonOf, registeredUser, type World, world } from '../fakes/world.js';

/** A stored user made an admin, with a principal as its token would give. */
async function storedAdmin(w: World, email: string): Promise<Principal> {
  const { client, principal } = await registeredUser(w, email);
  await w.clients.update(client.id, { groups: ['user', 'admin'] });
  return { ...principal, groups: ['user', 'admin'] };
}

describe('The last active admin (unit, with fakes)', () => {
  it('cannot be suspended, demoted or deleted, and nothing changes', async () => {
    const w = world();
    const root = await storedAdmin(w, 'root@example.com');
    expect(await reasonOf(w.useCases.suspension.suspendClient(root, { clientId: root.clientId, reason: '' }))).to.equal('LAST_ADMIN');
    expect(await reasonOf(w.useCases.administration.setClientGroups(root, { clientId: root.clientId, groups: [] }))).to.equal('LAST_ADMIN');
    expect(await reasonOf(w.useCases.deletion.deleteClient(root, { clientId: '' }))).to.equal('LAST_ADMIN');
    const stored = await w.clients.findById(root.clientId);
    expect(stored).to.include({ suspended: false });
    expect(stored!.groups).to.deep.equal(['user', 'admin']);
  });

  it('can go once another active admin exists, but a suspended one does not count', async () => {
    const w = world();
    const root = await storedAdmin(w, 'root@example.com');
    const deputy = await storedAdmin(w, 'deputy@example.com');
    await w.clients.update(deputy.clientId, { suspended: true });
    expect(await reasonOf(w.useCases.administration.setClientGroups(root, { clientId: root.clientId, groups: [] }))).to.equal('LAST_ADMIN');
    await w.clients.update(deputy.clientId, { suspended: false });
    const demoted = await w.useCases.administration.setClientGroups(root, { clientId: root.clientId, groups: [] });
    expect(demoted.groups).to.deep.equal(['user']);
  });
});

describe('A change of groups (unit, with fakes)', () => {
  it("ends the client's sessions, and an old admin token loses its rights at the next call", async () => {
    const w = world();
    await storedAdmin(w, 'root@example.com');
    const { pair, principal } = await registeredUser(w, 'deputy@example.com');
    await w.clients.update(principal.clientId, { groups: ['user', 'admin'] });
    const adminPair = tokenPair(await w.useCases.sessionTokens.login({ email: 'deputy@example.com', password: PASSWORD }));
    const admin = await w.useCases.tokenValidation.authenticate(adminPair.access.token);
    expect(admin.groups).to.include('admin');

    const root = await w.useCases.tokenValidation.authenticate(
      tokenPair(await w.useCases.sessionTokens.login({ email: 'root@example.com', password: PASSWORD })).access.token,
    );
    await w.useCases.administration.setClientGroups(root, { clientId: principal.clientId, groups: [] });
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('SESSION_REVOKED');
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(adminPair.access.token))).to.equal('SESSION_REVOKED');
  });

  it('checks an admin claim against the stored groups even while the token is otherwise valid', async () => {
    const w = world();
    await storedAdmin(w, 'root@example.com');
    const deputy = await storedAdmin(w, 'deputy@example.com');
    const token = tokenPair(await w.useCases.sessionTokens.login({ email: 'deputy@example.com', password: PASSWORD })).access.token;
    // Demoted around the use case, as another instance's change would look before its revocations arrive.
    await w.clients.update(deputy.clientId, { groups: ['user'] });
    const caller = await w.useCases.tokenValidation.authenticate(token);
    expect(caller.groups).to.deep.equal(['user']);
    expect(await reasonOf(w.useCases.suspension.suspendClient(caller, { clientId: deputy.clientId, reason: '' }))).to.equal('PERMISSION_DENIED');
  });
});

describe('Registration and password rules (unit, with fakes)', () => {
  const input = { password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} };

  it("refuses a listed password, one repeated character and the email's local part with PASSWORD_TOO_COMMON", async () => {
    const w = world();
    for (const password of ['Password', '        ', 'zzzzzzzzzz', 'marguerite']) {
      expect(await reasonOf(w.useCases.registration.registerUser({ ...input, email: 'marguerite@example.com', password }))).to.equal('PASSWORD_TOO_COMMON');
    }
    expect(w.clients.records.size).to.equal(0);
  });

  it('refuses a service asking for the admin group', async () => {
    const w = world();
    const root = await storedAdmin(w, 'root@example.com');
    const refused = w.useCases.registration.registerService(root, { email: 'svc@example.com', name: 'svc', groups: ['admin'] });
    expect(await reasonOf(refused)).to.equal('INVALID_ARGUMENT');
  });

  it('sheds a registration while hashing is saturated, with a retry-after', async () => {
    const w = world();
    w.hasher.busy = true;
    const error = await w.useCases.registration.registerUser({ ...input, email: 'busy@example.com' }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(RetryLaterError).with.property('reason', 'SERVER_BUSY');
    expect((error as RetryLaterError).retryAfterSeconds).to.be.at.least(1);
  });
});

describe('AdminBootstrap and a suspended configured admin (unit, with fakes)', () => {
  it('reinstates it, lifts its revocation-list mark and logs a warning', async () => {
    const w = world();
    const admin = await w.useCases.adminBootstrap.ensureAdmin('root@example.com', PASSWORD);
    await w.clients.update(admin.id, { suspended: true, suspensionReason: 'oops' });
    await w.revocations.suspendClient(admin.id);
    const again = await w.useCases.adminBootstrap.ensureAdmin('root@example.com', PASSWORD);
    expect(again).to.include({ suspended: false, suspensionReason: '' });
    expect(await w.revocations.status(admin.id, 'any-session')).to.equal(null);
    expect(w.logs.some((line) => line.includes('reinstating it'))).to.equal(true);
  });
});

describe('Password reset and the abuse rules (unit, with fakes)', () => {
  it('refuses a common new password before the reset token is spent', async () => {
    const world = recoveryWorld();
    const { w, transport, mailer } = world;
    const { email } = await registeredUser(w);
    await w.useCases.passwordReset.requestPasswordReset({ email, clientIp: '' });
    await w.useCases.passwordReset.settle();
    await mailer.flush();
    const token = transport.tokenFor(email, 'password-reset');
    expect(await reasonOf(w.useCases.passwordReset.resetPassword({ token, newPassword: 'Password' }))).to.equal('PASSWORD_TOO_COMMON');
    await w.useCases.passwordReset.resetPassword({ token, newPassword: 'a brand new passphrase' });
  });

  it('refuses requests past the limit with a retry-after of the window', async () => {
    const { w } = recoveryWorld();
    for (let i = 0; i < RECOVERY_SETTINGS.requestLimit.max; i++) await w.useCases.passwordReset.requestPasswordReset({ email: 'x@example.com', clientIp: '' });
    const refused = await w.useCases.passwordReset.requestPasswordReset({ email: 'x@example.com', clientIp: '' }).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(RetryLaterError).with.property('reason', 'TOO_MANY_ATTEMPTS');
    expect((refused as RetryLaterError).retryAfterSeconds).to.equal(RECOVERY_SETTINGS.requestLimit.windowSeconds);
  });
});
