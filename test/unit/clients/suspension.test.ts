import { expect } from 'chai';
import { adminPrincipal, LIFETIMES, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('Suspension: SuspendClient and ReinstateClient (unit, with fakes)', () => {
  it('records who, why and when, revokes every session, lists the client and queues the event', async () => {
    const w = world();
    const { client, principal, pair } = await registeredUser(w);
    const admin = adminPrincipal();
    const suspended = await w.useCases.suspension.suspendClient(admin, { clientId: client.id, reason: ' fraud ' });
    expect(suspended).to.deep.include({ suspended: true, suspensionReason: 'fraud', suspendedBy: admin.clientId });
    expect(suspended.suspendedAt!.getTime()).to.equal(w.clock.now());
    expect((await w.sessions.findSession(principal.sessionId))!.revokedAt).to.be.instanceOf(Date);
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('CLIENT_SUSPENDED');
    expect(w.outbox.entries.map((entry) => [entry.type, entry.reason])).to.deep.equal([['client.suspended', 'fraud']]);
  });

  it('reinstates: the client may log in again, its old sessions stay revoked until their tokens expire', async () => {
    const w = world();
    const { client, pair, email } = await registeredUser(w);
    await w.useCases.suspension.suspendClient(adminPrincipal(), { clientId: client.id, reason: '' });
    const reinstated = await w.useCases.suspension.reinstateClient(adminPrincipal(), { clientId: client.id });
    expect(reinstated).to.deep.include({ suspended: false, suspensionReason: '', suspendedAt: null, suspendedBy: '' });
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('SESSION_REVOKED');
    await w.useCases.sessionTokens.login({ email, password: 'correct horse battery' });
    expect(w.outbox.entries.map((entry) => entry.type)).to.deep.equal(['client.suspended', 'client.reinstated']);
    w.clock.advance(LIFETIMES.accessToken * 1000);
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('TOKEN_EXPIRED');
  });

  it('refuses a non-admin and an unknown client', async () => {
    const w = world();
    const { principal } = await registeredUser(w);
    expect(await reasonOf(w.useCases.suspension.suspendClient(principal, { clientId: principal.clientId, reason: '' }))).to.equal('PERMISSION_DENIED');
    expect(await reasonOf(w.useCases.suspension.reinstateClient(adminPrincipal(), { clientId: '01900000-0000-7000-8000-00000000dead' }))).to.equal(
      'CLIENT_NOT_FOUND',
    );
  });
});
