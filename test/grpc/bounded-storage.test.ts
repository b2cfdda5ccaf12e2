import { expect } from 'chai';
import { status } from '@grpc/grpc-js';
import { SETUPS, SETUP_TITLES, failure, setupEnv, startTestServer, type TestServer } from '../support/server';

const PASSWORD = 'correct horse battery';
const REFRESHES = 12;

for (const setup of SETUPS) describe(`Session storage stays bounded (${SETUP_TITLES[setup]})`, function () {
  let server: TestServer;

  before(async function () {
    server = await startTestServer(setupEnv(setup, this, 'bounded_storage'));
  });
  after(async () => {
    await server?.close();
  });

  it(`keeps the same rows per session after ${REFRESHES} refreshes as after two, and still detects the reuse of the token just replaced`, async () => {
    const email = `bounded-${Date.now()}@example.com`;
    await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const sessions = await Promise.all([0, 1].map(() => server.api.login({ email, password: PASSWORD })));
    const before = await server.store.sessionRows();
    const tokens: string[][] = sessions.map((session) => [session.refreshToken]);
    const rowsAfter: Array<Awaited<ReturnType<TestServer['store']['sessionRows']>>> = [];
    for (let refresh = 1; refresh <= REFRESHES; refresh++) {
      for (const chain of tokens) chain.push((await server.api.refreshToken({ refreshToken: chain.at(-1)! })).refreshToken);
      rowsAfter.push(await server.store.sessionRows());
    }
    // Two rotations in, each session holds its live token and the one before it; from then on nothing grows.
    expect(rowsAfter[1]).to.deep.equal(rowsAfter.at(-1));
    expect(rowsAfter.at(-1)!.sessions).to.equal(before.sessions);
    expect(rowsAfter.at(-1)!.refreshTokens - before.refreshTokens).to.equal(2);

    // A token several rotations old is unknown: it grants nothing, and the session goes on.
    const stale = await failure(server.api.refreshToken({ refreshToken: tokens[0]![0]! }));
    expect(stale).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' });
    const goesOn = await server.api.refreshToken({ refreshToken: tokens[0]!.at(-1)! });
    // The token it just replaced still comes back as reuse and ends the session.
    const reused = await failure(server.api.refreshToken({ refreshToken: tokens[0]!.at(-1)! }));
    expect(reused).to.include({ code: status.UNAUTHENTICATED, reason: 'REFRESH_TOKEN_REUSED' });
    const ended = await failure(server.api.refreshToken({ refreshToken: goesOn.refreshToken }));
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
