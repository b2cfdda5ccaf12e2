import { expect } from 'chai';
import { LIFETIMES, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('TokenValidation (unit, with fakes)', () => {
  it('validates a live token, and refuses a missing, forged or expired one', async () => {
    const w = world();
    const { pair, client } = await registeredUser(w);
    expect((await w.useCases.tokenValidation.validateToken(pair.access.token)).clientId).to.equal(client.id);
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(''))).to.equal('TOKEN_MISSING');
    expect(await reasonOf(w.useCases.tokenValidation.validateToken('forged'))).to.equal('TOKEN_INVALID');
    w.clock.advance(LIFETIMES.accessToken * 1000);
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('TOKEN_EXPIRED');
  });

  it('answers each revocation with its reason, and fails closed (UNAVAILABLE) when the list is down', async () => {
    const w = world();
    const { pair, principal } = await registeredUser(w);
    await w.revocations.revokeSession(principal.sessionId, w.clock.now() + 1000);
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('SESSION_REVOKED');
    await w.revocations.suspendClient(principal.clientId);
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('CLIENT_SUSPENDED');
    await w.revocations.markClientDeleted(principal.clientId, w.clock.now() + 1000);
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('CLIENT_DELETED');
    w.revocations.down = true;
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('UNAVAILABLE');
  });

  it('authenticates a bearer from the stores while the revocation list is down, with the same reasons', async () => {
    const w = world();
    const live = await registeredUser(w);
    const suspended = await registeredUser(w);
    const loggedOut = await registeredUser(w);
    await w.clients.update(suspended.client.id, { suspended: true });
    await w.sessions.revoke(loggedOut.principal.sessionId, new Date(w.clock.now()));
    w.revocations.down = true;
    expect((await w.useCases.tokenValidation.authenticate(live.pair.access.token)).clientId).to.equal(live.client.id);
    expect(await reasonOf(w.useCases.tokenValidation.authenticate(suspended.pair.access.token))).to.equal('CLIENT_SUSPENDED');
    expect(await reasonOf(w.useCases.tokenValidation.authenticate(loggedOut.pair.access.token))).to.equal('SESSION_REVOKED');
    const service = w.tokens.issue({ clientId: live.client.id, kind: 'user', groups: ['user'], sessionId: 'never stored' }, 60);
    expect(await reasonOf(w.useCases.tokenValidation.authenticate(service.token))).to.equal('UNAVAILABLE');
  });
});
