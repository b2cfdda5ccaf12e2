import { expect } from 'chai';
import { tokenPair } from '../fakes/second-factor.js';
import { LIFETIMES, PASSWORD, reasonOf, registeredUser, UNIT_LIMITS, world } from '../fakes/world.js';

describe('SessionTokens: Login (unit, with fakes)', () => {
  it('opens a session: an access token of the access lifetime and a refresh token of the session lifetime', async () => {
    const w = world();
    const { pair, principal, client } = await registeredUser(w);
    expect(pair.access.expiresAt.getTime()).to.equal(w.clock.now() + LIFETIMES.accessToken * 1000);
    expect(pair.refresh.expiresAt.getTime()).to.equal(w.clock.now() + LIFETIMES.refreshToken * 1000);
    expect(principal.clientId).to.equal(client.id);
    expect((await w.sessions.findSession(principal.sessionId))!.revokedAt).to.equal(null);
  });

  it('keeps a password valid however long ago it was set: no password expires', async () => {
    const w = world();
    const { email } = await registeredUser(w);
    w.clock.advance(5 * 365 * 86_400_000);
    expect(tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD })).client.email).to.equal(email);
  });

  it('answers an unknown email and a wrong password alike, and counts both against the email', async () => {
    const w = world();
    const { email } = await registeredUser(w);
    for (let i = 0; i < UNIT_LIMITS.loginPerEmailAndSource.points; i++) {
      expect(await reasonOf(w.useCases.sessionTokens.login({ email, password: 'wrong password' }))).to.equal('INVALID_CREDENTIALS');
      expect(await reasonOf(w.useCases.sessionTokens.login({ email: 'nobody@example.com', password: PASSWORD }))).to.equal('INVALID_CREDENTIALS');
    }
    expect(await reasonOf(w.useCases.sessionTokens.login({ email, password: PASSWORD }))).to.equal('TOO_MANY_ATTEMPTS');
    expect(await reasonOf(w.useCases.sessionTokens.login({ email: 'nobody@example.com', password: PASSWORD }))).to.equal('TOO_MANY_ATTEMPTS');
  });

  it('logs in with a right password even when the hashing queue has no room to upgrade its hash, and upgrades it at a later login', async () => {
    const w = world();
    const { email, client } = await registeredUser(w);
    w.hasher.cost = 12;
    w.hasher.hashBusy = true;
    const pair = await w.useCases.sessionTokens.login({ email, password: PASSWORD });
    expect(pair).to.have.property('sessionId');
    expect((await w.clients.findById(client.id))!.passwordHash).to.equal(`fake:10:${PASSWORD}`);
    w.hasher.hashBusy = false;
    await w.useCases.sessionTokens.login({ email, password: PASSWORD });
    expect((await w.clients.findById(client.id))!.passwordHash).to.equal(`fake:12:${PASSWORD}`);
  });

  it('spends a password comparison on an unknown email too, so timing does not tell accounts apart', async () => {
    const w = world();
    await registeredUser(w);
    const before = w.hasher.verified.length;
    await w.useCases.sessionTokens.login({ email: 'nobody@example.com', password: PASSWORD }).catch(() => undefined);
    expect(w.hasher.verified.slice(before)).to.deep.equal([null]);
  });

  it('refuses an email at the limit with TOO_MANY_ATTEMPTS before checking the password, and a right password resets the count', async () => {
    const w = world();
    const { email } = await registeredUser(w);
    const max = UNIT_LIMITS.loginPerEmailAndSource.points;
    for (let i = 0; i < max - 1; i++) await w.useCases.sessionTokens.login({ email, password: 'wrong' }).catch(() => undefined);
    await w.useCases.sessionTokens.login({ email, password: PASSWORD });
    for (let i = 0; i < max; i++) await w.useCases.sessionTokens.login({ email, password: 'wrong' }).catch(() => undefined);
    const checked = w.hasher.verified.length;
    expect(await reasonOf(w.useCases.sessionTokens.login({ email, password: PASSWORD }))).to.equal('TOO_MANY_ATTEMPTS');
    expect(w.hasher.verified.length).to.equal(checked);
  });

  it('counts per source: another client IP still gets its own guesses', async () => {
    const w = world();
    const { email } = await registeredUser(w);
    for (let i = 0; i < UNIT_LIMITS.loginPerEmailAndSource.points; i++) {
      await w.useCases.sessionTokens.login({ email, password: 'wrong', source: '203.0.113.1' }).catch(() => undefined);
    }
    expect(await reasonOf(w.useCases.sessionTokens.login({ email, password: PASSWORD, source: '203.0.113.1' }))).to.equal('TOO_MANY_ATTEMPTS');
    expect(tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD, source: '203.0.113.2' })).client.email).to.equal(email);
  });

  it('sheds a login at once while hashing is saturated, spending no limit and no password check', async () => {
    const w = world();
    const { email } = await registeredUser(w);
    w.hasher.busy = true;
    const checked = w.hasher.verified.length;
    for (let i = 0; i < 10; i++) expect(await reasonOf(w.useCases.sessionTokens.login({ email, password: 'wrong' }))).to.equal('SERVER_BUSY');
    expect(w.hasher.verified.length).to.equal(checked);
    w.hasher.busy = false;
    expect(tokenPair(await w.useCases.sessionTokens.login({ email, password: PASSWORD })).client.email).to.equal(email);
  });

  it('takes its place in the hashing queue before the limit and the database, and gives it back however the login ends', async () => {
    const w = world();
    const { email } = await registeredUser(w);
    const before = w.hasher.reservations;
    await w.useCases.sessionTokens.login({ email, password: PASSWORD });
    await w.useCases.sessionTokens.login({ email, password: 'wrong' }).catch(() => undefined);
    for (let i = 0; i < UNIT_LIMITS.loginPerEmailAndSource.points; i++)
      await w.useCases.sessionTokens.login({ email, password: 'wrong' }).catch(() => undefined);
    expect(await reasonOf(w.useCases.sessionTokens.login({ email, password: PASSWORD }))).to.equal('TOO_MANY_ATTEMPTS');
    expect(w.hasher.reservations - before).to.equal(UNIT_LIMITS.loginPerEmailAndSource.points + 3);
    expect(w.hasher.released).to.equal(w.hasher.reservations);
  });

  it('answers a suspended user with the right password CLIENT_SUSPENDED, and re-hashes a weaker hash on login', async () => {
    const w = world();
    const { client, email } = await registeredUser(w);
    w.hasher.cost = 11;
    await w.useCases.sessionTokens.login({ email, password: PASSWORD });
    expect((await w.clients.findById(client.id))!.passwordHash).to.equal(`fake:11:${PASSWORD}`);
    await w.clients.update(client.id, { suspended: true });
    expect(await reasonOf(w.useCases.sessionTokens.login({ email, password: PASSWORD }))).to.equal('CLIENT_SUSPENDED');
  });
});

describe('SessionTokens: RefreshToken (unit, with fakes)', () => {
  it('rotates: the new refresh token works, the old one coming back revokes the session (REFRESH_TOKEN_REUSED)', async () => {
    const w = world();
    const { pair, principal } = await registeredUser(w);
    const next = await w.useCases.sessionTokens.refresh({ refreshToken: pair.refresh.token });
    expect(next.refresh.expiresAt).to.deep.equal(pair.refresh.expiresAt);
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: pair.refresh.token }))).to.equal('REFRESH_TOKEN_REUSED');
    expect((await w.sessions.findSession(principal.sessionId))!.revokedAt).to.be.instanceOf(Date);
    expect(await w.revocations.status(principal.clientId, principal.sessionId)).to.equal('SESSION_REVOKED');
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: next.refresh.token }))).to.equal('SESSION_REVOKED');
  });

  it("ends a session at its login's lifetime however often it is refreshed: a rotation never extends it", async () => {
    const w = world();
    const { pair } = await registeredUser(w);
    const end = pair.refresh.expiresAt.getTime();
    let refreshToken = pair.refresh.token;
    while (w.clock.now() + 86_400_000 < end) {
      w.clock.advance(86_400_000);
      const next = await w.useCases.sessionTokens.refresh({ refreshToken });
      expect(next.refresh.expiresAt.getTime()).to.equal(end);
      refreshToken = next.refresh.token;
    }
    w.clock.advance(end - w.clock.now());
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken }))).to.equal('TOKEN_EXPIRED');
  });

  it("refuses an unknown, an expired, a suspended client's and a deleted client's refresh token", async () => {
    const w = world();
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: 'nope' }))).to.equal('TOKEN_INVALID');
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: '' }))).to.equal('INVALID_ARGUMENT');
    const expiring = await registeredUser(w);
    w.clock.advance(LIFETIMES.refreshToken * 1000);
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: expiring.pair.refresh.token }))).to.equal('TOKEN_EXPIRED');
    const suspended = await registeredUser(w);
    await w.clients.update(suspended.client.id, { suspended: true });
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: suspended.pair.refresh.token }))).to.equal('CLIENT_SUSPENDED');
    const deleted = await registeredUser(w);
    await w.clients.markDeleted(deleted.client.id, { requestId: 'r', at: new Date(w.clock.now()), by: deleted.client.id });
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: deleted.pair.refresh.token }))).to.equal('CLIENT_DELETED');
  });
});

describe('SessionTokens: Logout (unit, with fakes)', () => {
  it('revokes the session in the store and on the revocation list, even with an expired access token', async () => {
    const w = world();
    const { pair, principal } = await registeredUser(w);
    w.clock.advance(LIFETIMES.accessToken * 1000 - 1);
    await w.useCases.sessionTokens.logout(pair.access.token);
    expect((await w.sessions.findSession(principal.sessionId))!.revokedAt).to.be.instanceOf(Date);
    expect(await w.revocations.status(principal.clientId, principal.sessionId)).to.equal('SESSION_REVOKED');
    const other = await registeredUser(w);
    w.clock.advance(LIFETIMES.accessToken * 1000);
    await w.useCases.sessionTokens.logout(other.pair.access.token);
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: other.pair.refresh.token }))).to.equal('SESSION_REVOKED');
  });

  it('revokes the session in the store first: with the revocation list down it fails, but the refresh token is dead', async () => {
    const w = world();
    const { pair } = await registeredUser(w);
    w.revocations.down = true;
    expect(await reasonOf(w.useCases.sessionTokens.logout(pair.access.token))).to.equal('UNAVAILABLE');
    expect(await reasonOf(w.useCases.sessionTokens.refresh({ refreshToken: pair.refresh.token }))).to.equal('SESSION_REVOKED');
  });

  it('refuses a missing or forged token', async () => {
    const w = world();
    expect(await reasonOf(w.useCases.sessionTokens.logout(''))).to.equal('TOKEN_MISSING');
    expect(await reasonOf(w.useCases.sessionTokens.logout('forged'))).to.equal('TOKEN_INVALID');
  });
});
