import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const PASSWORD = 'correct horse battery';
const REFRESHES = 12;

for (const setup of SETUPS)
  describe(`Session storage is bounded by session expiry (${SETUP_TITLES[setup]})`, () => {
    let server: TestServer;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'bounded_storage'));
    });
    after(async () => {
      await server?.close();
    });

    it(`keeps one row per rotation until the session expires, so a token ${REFRESHES} rotations old still ends the session as reuse`, async () => {
      const email = `bounded-${Date.now()}@example.com`;
      await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      const session = await server.api.login({ email, password: PASSWORD });
      const before = await server.store.sessionRows();
      const chain = [session.refreshToken];
      for (let refresh = 1; refresh <= REFRESHES; refresh++) chain.push((await server.api.refreshToken({ refreshToken: chain.at(-1)! })).refreshToken);
      const after = await server.store.sessionRows();
      expect(after.sessions).to.equal(before.sessions);
      // Nothing retired is pruned while the session lives (MongoDB also keeps each rotation's claim beside the tokens).
      expect(after.refreshTokens - before.refreshTokens).to.be.at.least(REFRESHES);

      // The owner replays the first token after a thief rotated many times: the whole session ends.
      const reused = await failure(server.api.refreshToken({ refreshToken: chain[0]! }));
      expect(reused).to.include({ code: status.UNAUTHENTICATED, reason: 'REFRESH_TOKEN_REUSED' });
      const ended = await failure(server.api.refreshToken({ refreshToken: chain.at(-1)! }));
      expect(ended.reason).to.equal('SESSION_REVOKED');
    });

    it('sweeps sessions past their expiry with their tokens and claims', async () => {
      const email = `swept-${Date.now()}@example.com`;
      await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      const session = await server.api.login({ email, password: PASSWORD });
      await server.api.refreshToken({ refreshToken: session.refreshToken });
      const swept = await server.app.adapters.sessions.sweepExpired(new Date(session.refreshTokenExpireTime!.getTime() + 1000));
      expect(swept).to.be.at.least(1);
      expect(await server.store.sessionRows()).to.deep.equal({ sessions: 0, refreshTokens: 0, rotations: 0 });
    });
  });
