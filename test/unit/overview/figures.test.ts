import { expect } from 'chai';
import { adminPrincipal, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('The admin Overview (GetAdminOverview)', () => {
  it('counts people, services, suspended clients, live sessions and the sign-ins of the last 24 hours only', async () => {
    const w = world();
    const admin = adminPrincipal();
    const { client } = await registeredUser(w);
    await registeredUser(w);
    await reasonOf(w.useCases.sessionTokens.login({ email: 'nobody@example.com', password: 'wrong password here' }));
    await w.useCases.suspension.suspendClient(admin, { clientId: client.id, reason: 'fraud' });
    const figures = await w.useCases.adminOverview.figures(admin);
    expect(figures).to.include({ users: 2, services: 0, suspended: 1, activeSessions: 1, signIns: 2, failedSignIns: 1, pendingDeletionRequests: 0 });
    expect(figures.countedAt.getTime()).to.equal(w.clock.now());

    w.clock.advance(24 * 3600 * 1000 + 1);
    expect(await w.useCases.adminOverview.figures(admin)).to.include({ signIns: 0, failedSignIns: 0 });
  });

  it('names no signing key with HS256, which publishes none', async () => {
    const figures = await world().useCases.adminOverview.figures(adminPrincipal());
    expect(figures).to.include({ keySource: 'secret', signingKey: null });
  });

  it('refuses a caller who is not an admin', async () => {
    const w = world();
    const { principal } = await registeredUser(w);
    expect(await reasonOf(w.useCases.adminOverview.figures(principal))).to.equal('PERMISSION_DENIED');
  });
});
