import { expect } from 'chai';
import { newId } from '../../../src/domain/kernel/ids.js';
import type { RequestContext } from '../../../src/domain/kernel/request.js';
import { tokenPair } from '../fakes/second-factor.js';
import { LIFETIMES, PASSWORD, reasonOf, registeredUser, type World, world } from '../fakes/world.js';

const MINUTE = 60_000;
const LAPTOP: RequestContext = { ip: '203.0.113.7', userAgent: 'Firefox on the laptop', requestId: 'r1' };
const PHONE: RequestContext = { ip: '2001:db8::5', userAgent: 'Safari on the phone', requestId: 'r2' };
const TRAIN: RequestContext = { ip: '198.51.100.2', userAgent: 'Firefox on the train', requestId: 'r3' };

/** A user signed in on the laptop (the caller) and, a minute later, on the phone. */
async function userOnTwoDevices(w: World) {
  const { email, pair } = await registeredUser(w);
  await w.useCases.sessionTokens.logout(pair.access.token);
  const laptop = tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD }, LAPTOP));
  w.clock.advance(MINUTE);
  const phone = tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD }, PHONE));
  return { email, laptop, phone, caller: await w.tokens.verify(laptop.access.token) };
}

async function auditTypes(w: World): Promise<Array<{ type: string; sessionId: string; actor: string; target: string }>> {
  await w.audit.flush();
  return [...w.auditLog.records.values()].map(({ type, sessionId, actor, target }) => ({ type, sessionId, actor, target }));
}

describe('MySessions: ListMySessions, EndMySession, EndMyOtherSessions (unit, with fakes)', () => {
  it("lists the caller's live sessions, most recently used first, with where each was last used, and marks the caller's own", async () => {
    const w = world();
    const { email, laptop, phone, caller } = await userOnTwoDevices(w);
    const ended = tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD }, PHONE));
    await w.useCases.sessionTokens.logout(ended.access.token);
    await registeredUser(w);

    const before = await w.useCases.mySessions.list(caller);
    expect(before.map((session) => [session.id, session.current])).to.deep.equal([
      [phone.sessionId, false],
      [laptop.sessionId, true],
    ]);
    expect(before[1]).to.deep.include({ userAgent: LAPTOP.userAgent, clientIp: LAPTOP.ip, amr: ['pwd'] });
    expect(before[1]!.lastUsedAt).to.deep.equal(before[1]!.createdAt);

    w.clock.advance(MINUTE);
    await w.useCases.sessionTokens.refresh({ refreshToken: laptop.refresh.token }, TRAIN);
    const after = await w.useCases.mySessions.list(caller);
    expect(after.map((session) => session.id)).to.deep.equal([laptop.sessionId, phone.sessionId]);
    expect(after[0]).to.deep.include({ userAgent: TRAIN.userAgent, clientIp: TRAIN.ip, lastUsedAt: new Date(w.clock.now()), current: true });
    expect(after[0]!.createdAt.getTime()).to.equal(w.clock.now() - 2 * MINUTE);
    expect(after[0]!.expiresAt).to.deep.equal(laptop.refresh.expiresAt);
  });

  it('ends one session of the caller: its refresh token stops, its access token is revoked at once, and the trail says who ended it', async () => {
    const w = world();
    const { laptop, phone, caller } = await userOnTwoDevices(w);
    const answer = await w.useCases.mySessions.end(caller, { sessionId: phone.sessionId }, LAPTOP);
    expect(answer).to.deep.equal({ current: false });
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: phone.refresh.token }))).to.equal('SESSION_REVOKED');
    expect(await w.revocations.status(caller.clientId, phone.sessionId)).to.equal('SESSION_REVOKED');
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(phone.access.token))).to.equal('SESSION_REVOKED');
    expect((await w.useCases.mySessions.list(caller)).map((session) => session.id)).to.deep.equal([laptop.sessionId]);
    expect(await auditTypes(w)).to.deep.include({ type: 'session.ended', sessionId: phone.sessionId, actor: caller.clientId, target: caller.clientId });
    // The revocation list forgets the session once its last access token has expired.
    w.clock.advance(LIFETIMES.accessToken * 1000);
    expect(await w.revocations.status(caller.clientId, phone.sessionId)).to.equal(null);
  });

  it("says whether the session ended was the caller's own, which ends it too", async () => {
    const w = world();
    const { laptop, caller } = await userOnTwoDevices(w);
    expect(await w.useCases.mySessions.end(caller, { sessionId: laptop.sessionId })).to.deep.equal({ current: true });
    expect(await reasonOf(w.useCases.tokenValidation.validateToken(laptop.access.token))).to.equal('SESSION_REVOKED');
  });

  it("answers another client's session and an unknown one alike, SESSION_NOT_FOUND, and ends neither", async () => {
    const w = world();
    const { caller } = await userOnTwoDevices(w);
    const stranger = await registeredUser(w);
    expect(await reasonOf(w.useCases.mySessions.end(caller, { sessionId: stranger.principal.sessionId }))).to.equal('SESSION_NOT_FOUND');
    expect(await reasonOf(w.useCases.mySessions.end(caller, { sessionId: newId() }))).to.equal('SESSION_NOT_FOUND');
    expect(await w.revocations.status(stranger.principal.clientId, stranger.principal.sessionId)).to.equal(null);
    expect((await w.sessions.findSession(stranger.principal.sessionId))!.revokedAt).to.equal(null);
    expect((await auditTypes(w)).filter((record) => record.type === 'session.ended')).to.deep.equal([]);
  });

  it('ends an already ended session of the caller again quietly, and refuses a malformed id naming the field', async () => {
    const w = world();
    const { phone, caller } = await userOnTwoDevices(w);
    await w.useCases.mySessions.end(caller, { sessionId: phone.sessionId });
    expect(await w.useCases.mySessions.end(caller, { sessionId: phone.sessionId })).to.deep.equal({ current: false });
    expect((await auditTypes(w)).filter((record) => record.type === 'session.ended')).to.have.length(1);
    for (const sessionId of ['', 'not-an-id']) {
      const error = await w.useCases.mySessions.end(caller, { sessionId }).catch((failure: unknown) => failure);
      expect(error).to.include({ reason: 'INVALID_ARGUMENT', field: 'session_id' });
    }
  });

  it("ends every other session of the caller and keeps the caller's own, each recorded in the trail", async () => {
    const w = world();
    const { email, laptop, phone, caller } = await userOnTwoDevices(w);
    const third = tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD }, TRAIN));
    const stranger = await registeredUser(w);

    expect(await w.useCases.mySessions.endOthers(caller, LAPTOP)).to.equal(2);
    for (const pair of [phone, third]) {
      expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: pair.refresh.token }))).to.equal('SESSION_REVOKED');
      expect(await w.revocations.status(caller.clientId, pair.sessionId)).to.equal('SESSION_REVOKED');
    }
    expect(await w.revocations.status(caller.clientId, laptop.sessionId)).to.equal(null);
    expect(tokenPair(await w.useCases.sessionTokens.refresh({ refreshToken: laptop.refresh.token })).sessionId).to.equal(laptop.sessionId);
    expect(await w.revocations.status(stranger.principal.clientId, stranger.principal.sessionId)).to.equal(null);
    const ended = (await auditTypes(w)).filter((record) => record.type === 'session.ended').map((record) => record.sessionId);
    expect(ended.sort()).to.deep.equal([phone.sessionId, third.sessionId].sort());
    expect(await w.useCases.mySessions.endOthers(caller)).to.equal(0);
  });

  it('keeps the ended sessions ended when the revocation list is down, logging that their access tokens are not yet listed', async () => {
    const w = world();
    const { phone, caller } = await userOnTwoDevices(w);
    w.revocations.down = true;
    expect(await w.useCases.mySessions.endOthers(caller)).to.equal(1);
    expect(w.logs).to.include('revoked sessions not yet on the revocation list');
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: phone.refresh.token }))).to.equal('SESSION_REVOKED');
  });
});
