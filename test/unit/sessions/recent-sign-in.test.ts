import { expect } from 'chai';
import { PASSWORD, registeredUser, world } from '../fakes/world.js';

const MINUTE = 60_000;

describe('RecentSignIn: CheckRecentSignIn (unit, with fakes)', () => {
  it('says a session signed in within the window is recent, and until when', async () => {
    const w = world({ recentSignInSeconds: 15 * 60 });
    const { principal } = await registeredUser(w);
    w.clock.advance(14 * MINUTE);
    const answer = await w.useCases.recentSignIn.check(principal);
    expect(answer.recent).to.equal(true);
    expect(answer.signedInAt?.getTime()).to.equal(w.clock.now() - 14 * MINUTE);
    expect(answer.recentUntil?.getTime()).to.equal(w.clock.now() + MINUTE);
  });

  it('says it is no longer recent once the window has passed, however often the session was refreshed', async () => {
    const w = world({ recentSignInSeconds: 15 * 60 });
    const { principal, pair } = await registeredUser(w);
    w.clock.advance(10 * MINUTE);
    const refreshed = await w.useCases.sessionTokens.refresh({ refreshToken: pair.refresh.token });
    w.clock.advance(6 * MINUTE);
    const caller = await w.tokens.verify(refreshed.access.token);
    expect((await w.useCases.recentSignIn.check(caller)).recent).to.equal(false);
    expect((await w.useCases.recentSignIn.check(principal)).recent).to.equal(false);
  });

  it('counts a new sign-in of the same client from its own time', async () => {
    const w = world({ recentSignInSeconds: 15 * 60 });
    const { email } = await registeredUser(w);
    w.clock.advance(20 * MINUTE);
    const again = await w.useCases.sessionTokens.login({ email, password: PASSWORD });
    if (!('access' in again)) throw new Error('expected tokens');
    const caller = await w.tokens.verify(again.access.token);
    expect((await w.useCases.recentSignIn.check(caller)).recent).to.equal(true);
  });

  it('says a caller without a session (a service token) has no recent sign-in', async () => {
    const w = world({ recentSignInSeconds: 15 * 60 });
    const { principal } = await registeredUser(w);
    const answer = await w.useCases.recentSignIn.check({ ...principal, sessionId: '' });
    expect(answer).to.deep.equal({ recent: false, signedInAt: null, recentUntil: null });
  });
});
