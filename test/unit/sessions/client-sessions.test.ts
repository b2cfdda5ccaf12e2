import { expect } from 'chai';
import { tokenPair } from '../fakes/second-factor.js';
import { adminPrincipal, PASSWORD, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('ClientSessions: ListClientSessions, EndClientSessions (unit, with fakes)', () => {
  it("lists another client's live sessions for an admin, most recently used first", async () => {
    const w = world();
    const { client, email, pair } = await registeredUser(w);
    w.clock.advance(1000);
    const second = tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD }));
    const sessions = await w.useCases.clientSessions.list(adminPrincipal(), { clientId: client.id });
    expect(sessions.map((session) => session.id)).to.deep.equal([second.sessionId, pair.sessionId]);
    expect(sessions.every((session) => session.current === false)).to.equal(true);
  });

  it('ends one session of a client: its refresh token stops, its access token is revoked, the trail names the admin', async () => {
    const w = world();
    const { client, email, pair } = await registeredUser(w);
    const other = tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD }));
    const admin = adminPrincipal();
    expect(await w.useCases.clientSessions.end(admin, { clientId: client.id, sessionId: pair.sessionId })).to.equal(1);
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: pair.refresh.token }))).to.equal('SESSION_REVOKED');
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(pair.access.token))).to.equal('SESSION_REVOKED');
    expect((await w.useCases.tokenValidation.validateToken(other.access.token)).clientId).to.equal(client.id);
    await w.audit.flush();
    const ended = [...w.auditLog.records.values()].filter((record) => record.type === 'session.ended');
    expect(ended.map(({ actor, target, sessionId }) => ({ actor, target, sessionId }))).to.deep.equal([
      { actor: admin.clientId, target: client.id, sessionId: pair.sessionId },
    ]);
  });

  it('ends every session of a client when no session is named', async () => {
    const w = world();
    const { client, email, pair } = await registeredUser(w);
    const other = tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD }));
    expect(await w.useCases.clientSessions.end(adminPrincipal(), { clientId: client.id, sessionId: '' })).to.equal(2);
    for (const token of [pair.access.token, other.access.token]) {
      expect(await reasonOf(w.useCases.tokenValidation.validateToken(token))).to.equal('SESSION_REVOKED');
    }
    expect(await w.useCases.clientSessions.list(adminPrincipal(), { clientId: client.id })).to.deep.equal([]);
  });

  it('refuses a non-admin before looking anything up, and a session of another client as not found', async () => {
    const w = world();
    const { client, principal, pair } = await registeredUser(w);
    const stranger = await registeredUser(w);
    expect(await reasonOf(w.useCases.clientSessions.list(principal, { clientId: client.id }))).to.equal('PERMISSION_DENIED');
    expect(await reasonOf(w.useCases.clientSessions.end(principal, { clientId: client.id, sessionId: '' }))).to.equal('PERMISSION_DENIED');
    expect(await reasonOf(w.useCases.clientSessions.end(adminPrincipal(), { clientId: stranger.client.id, sessionId: pair.sessionId }))).to.equal(
      'SESSION_NOT_FOUND',
    );
    expect(await reasonOf(w.useCases.clientSessions.end(adminPrincipal(), { clientId: client.id, sessionId: 'not an id' }))).to.equal('INVALID_ARGUMENT');
    expect(await reasonOf(w.useCases.clientSessions.list(adminPrincipal(), { clientId: 'not an id' }))).to.equal('INVALID_ARGUMENT');
  });
});
