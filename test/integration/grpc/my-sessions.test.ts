import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import type { ClientAuthCallOptions } from '../../../src/sdk/typed-client.js';
import { ADMIN, PASSWORD, registerUser } from '../../support/factor-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const LAPTOP: ClientAuthCallOptions = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', clientIp: '203.0.113.7' };
const PHONE: ClientAuthCallOptions = { userAgent: 'Mozilla/5.0 (iPhone) Safari/605.1.15', clientIp: '2001:db8::5' };
const TRAIN: ClientAuthCallOptions = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/141.0', clientIp: '198.51.100.2' };

/** The `sid` claim of an access token. */
const sessionOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid as string;

for (const setup of SETUPS) {
  describe(`A user's own sessions (ListMySessions, EndMySession, EndMyOtherSessions), on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'my_sessions', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
    });
    after(async () => server?.close());

    /** A user signed in on the laptop (the caller, first) and on the phone. */
    const userOnTwoDevices = async () => {
      const user = await registerUser(server, 'sessions');
      const laptop = await server.api.login({ email: user.email, password: PASSWORD }, LAPTOP);
      const phone = await server.api.login({ email: user.email, password: PASSWORD }, PHONE);
      return { ...user, laptop, phone, token: laptop.accessToken };
    };

    it("lists the caller's sessions, the most recently used first, with the device and client IP of that use, marking the caller's own", async () => {
      const user = await userOnTwoDevices();
      const listed = (await server.api.listMySessions({}, { token: user.token })).sessions;
      expect(listed.map((session) => [session.id, session.current])).to.deep.equal([
        [sessionOf(user.phone.accessToken), false],
        [sessionOf(user.laptop.accessToken), true],
      ]);
      expect(listed[0]).to.deep.include({ userAgent: PHONE.userAgent, clientIp: PHONE.clientIp, amr: ['pwd'] });
      expect(listed[0]!.lastUseTime).to.deep.equal(listed[0]!.createTime);
      expect(listed[0]!.expireTime).to.deep.equal(user.phone.refreshTokenExpireTime);

      // A refresh is a use: the laptop's session moves to the top, with where it came from.
      const refreshed = await server.api.refreshToken({ refreshToken: user.laptop.refreshToken }, TRAIN);
      const after = (await server.api.listMySessions({}, { token: refreshed.accessToken })).sessions;
      expect(after.map((session) => session.id)).to.deep.equal([sessionOf(user.laptop.accessToken), sessionOf(user.phone.accessToken)]);
      expect(after[0]).to.deep.include({ userAgent: TRAIN.userAgent, clientIp: TRAIN.clientIp, current: true });
      expect(after[0]!.lastUseTime!.getTime()).to.be.greaterThan(after[0]!.createTime!.getTime());
      expect(after[0]!.createTime).to.deep.equal(listed[1]!.createTime);
    });

    it('ends one session: its access token fails the next call and its refresh token is dead, while the caller stays signed in', async () => {
      const user = await userOnTwoDevices();
      const phoneSession = sessionOf(user.phone.accessToken);
      expect(await server.api.endMySession({ sessionId: phoneSession }, { ...LAPTOP, token: user.token })).to.deep.equal({ current: false });

      expect(await failure(server.api.validateToken({ token: user.phone.accessToken }))).to.include({
        code: status.UNAUTHENTICATED,
        reason: 'SESSION_REVOKED',
      });
      expect(await failure(server.api.getMe({}, { token: user.phone.accessToken }))).to.include({ reason: 'SESSION_REVOKED' });
      expect(await failure(server.api.refreshToken({ refreshToken: user.phone.refreshToken }))).to.include({ reason: 'SESSION_REVOKED' });
      expect((await server.api.getMe({}, { token: user.token })).client!.id).to.equal(user.id);
      const left = (await server.api.listMySessions({}, { token: user.token })).sessions.map((session) => session.id);
      expect(left).to.deep.equal([sessionOf(user.token)]);
      // Again: it has ended already, which is no failure.
      expect(await server.api.endMySession({ sessionId: phoneSession }, { token: user.token })).to.deep.equal({ current: false });

      const adminToken = (await server.api.login(ADMIN)).accessToken;
      const { events } = await server.api.listAuditEvents({ targetClientId: user.id, type: 'session.ended' }, { token: adminToken });
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ actorId: user.id, sessionId: phoneSession, clientIp: LAPTOP.clientIp, userAgent: LAPTOP.userAgent });
    });

    it("ends the caller's own session when asked, and says so", async () => {
      const user = await userOnTwoDevices();
      expect(await server.api.endMySession({ sessionId: sessionOf(user.token) }, { token: user.token })).to.deep.equal({ current: true });
      expect(await failure(server.api.validateToken({ token: user.token }))).to.include({ reason: 'SESSION_REVOKED' });
      expect((await server.api.validateToken({ token: user.phone.accessToken })).clientId).to.equal(user.id);
    });

    it("answers another user's session NOT_FOUND, exactly as one that does not exist, and leaves it working", async () => {
      const user = await userOnTwoDevices();
      const stranger = await userOnTwoDevices();
      const theirs = await failure(server.api.endMySession({ sessionId: sessionOf(stranger.token) }, { token: user.token }));
      const nobodys = await failure(server.api.endMySession({ sessionId: '01900000-0000-7000-8000-00000000beef' }, { token: user.token }));
      expect(theirs).to.deep.equal(nobodys);
      expect(theirs).to.include({ code: status.NOT_FOUND, reason: 'SESSION_NOT_FOUND' });
      expect((await server.api.validateToken({ token: stranger.token })).clientId).to.equal(stranger.id);
      expect((await server.api.refreshToken({ refreshToken: stranger.laptop.refreshToken })).client!.id).to.equal(stranger.id);

      expect(await failure(server.api.endMySession({ sessionId: 'not-a-session' }, { token: user.token }))).to.include({
        code: status.INVALID_ARGUMENT,
        field: 'session_id',
      });
      expect(await failure(server.api.endMySession({ sessionId: sessionOf(user.token) }))).to.include({
        code: status.UNAUTHENTICATED,
        reason: 'TOKEN_MISSING',
      });
    });

    it("ends every other session of the caller, says how many, and keeps the caller's", async () => {
      const user = await userOnTwoDevices();
      const third = await server.api.login({ email: user.email, password: PASSWORD }, TRAIN);
      const stranger = await userOnTwoDevices();
      expect(await server.api.endMyOtherSessions({}, { token: user.token })).to.deep.equal({ endedSessionCount: 2 });
      for (const ended of [user.phone, third]) {
        expect(await failure(server.api.validateToken({ token: ended.accessToken }))).to.include({ reason: 'SESSION_REVOKED' });
        expect(await failure(server.api.refreshToken({ refreshToken: ended.refreshToken }))).to.include({ reason: 'SESSION_REVOKED' });
      }
      const kept = await server.api.refreshToken({ refreshToken: user.laptop.refreshToken });
      expect((await server.api.listMySessions({}, { token: kept.accessToken })).sessions.map((session) => session.current)).to.deep.equal([true]);
      expect((await server.api.validateToken({ token: stranger.phone.accessToken })).clientId).to.equal(stranger.id);
      expect(await server.api.endMyOtherSessions({}, { token: kept.accessToken })).to.deep.equal({ endedSessionCount: 0 });
    });
  });
}
