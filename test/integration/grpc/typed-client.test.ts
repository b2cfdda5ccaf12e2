import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import * as pkg from '../../../src/index.js';
import { freePort } from '../../support/paths.js';
import { embeddedEnv, startTestServer, type TestServer } from '../../support/server.js';

describe('The typed client a service author imports', function () {
  this.timeout(20000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer(embeddedEnv());
  });
  after(async () => server?.close());

  it('validates a token and reads the reason of a refusal, as docs/api.md shows', async () => {
    const auth = pkg.createClientAuthClient(server.address, { deadlineMs: 2000 });
    try {
      const email = `author${Date.now()}@example.com`;
      await auth.registerUser({ email, password: 'correct horse battery', firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      const { accessToken } = await auth.login({ email, password: 'correct horse battery' });
      const who = await auth.validateToken({ token: accessToken });
      expect(who.kind).to.equal(pkg.ClientKind.CLIENT_KIND_USER);
      expect((await auth.getMe({}, { token: accessToken })).client!.email).to.equal(email);

      await auth.logout({}, { token: accessToken });
      const refused = (await auth.validateToken({ token: accessToken }).catch((error: unknown) => error)) as { code: number };
      expect(refused.code).to.equal(status.UNAUTHENTICATED);
      expect(pkg.errorDetailOf(refused as never)!.reason).to.equal('SESSION_REVOKED');
    } finally {
      auth.close();
    }
  });

  it('sends the client-wide token when a call gives none', async () => {
    const email = `bearer${Date.now()}@example.com`;
    await server.api.registerUser({ email, password: 'correct horse battery', firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const { accessToken } = await server.api.login({ email, password: 'correct horse battery' });
    const auth = pkg.createClientAuthClient(server.address, { token: () => accessToken });
    try {
      expect((await auth.getMe({})).client!.email).to.equal(email);
    } finally {
      auth.close();
    }
  });

  it('fails within its deadline when the server cannot be reached', async () => {
    const auth = pkg.createClientAuthClient(`127.0.0.1:${await freePort()}`, { deadlineMs: 300 });
    const started = Date.now();
    const error = (await auth.validateToken({ token: 'x' }).catch((e: unknown) => e)) as { code: number };
    auth.close();
    expect([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]).to.include(error.code);
    expect(Date.now() - started).to.be.below(3000);
  });
});
