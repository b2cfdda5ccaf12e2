import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData, status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ClientAuthService } from '../../../gen/clientauth/v1/client_auth.js';
import * as pkg from '../../../src/index.js';
import { embeddedEnv, startTestServer, type TestServer } from '../../support/server.js';

/**
 * A real gRPC server with the ClientAuth service whose every method fails UNAVAILABLE a
 * given number of times before it answers, counting the attempts it saw: the retry policy
 * is the client's, so the server's behaviour is what the test controls.
 */
async function flakyServer(failuresBeforeSuccess: number) {
  const attempts = new Map<string, number>();
  const implementation: UntypedServiceImplementation = {};
  for (const [method, definition] of Object.entries(ClientAuthService)) {
    // The empty message: every field at its default.
    const answer = definition.responseDeserialize(Buffer.alloc(0));
    implementation[method] = (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const seen = (attempts.get(method) ?? 0) + 1;
      attempts.set(method, seen);
      if (seen <= failuresBeforeSuccess) callback({ code: status.UNAVAILABLE, details: 'a store is unavailable; retry later' });
      else callback(null, answer);
    };
  }
  const server = new Server();
  server.addService(ClientAuthService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { address: `127.0.0.1:${port}`, attempts, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

describe('The typed client', function () {
  this.timeout(20000);

  describe('against the service', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(embeddedEnv());
    });
    after(async () => server?.close());

    it('takes partial requests: the fields left out get their proto defaults', async () => {
      const auth = pkg.createClientAuthClient(server.address);
      try {
        const email = `partial${Date.now()}@example.com`;
        const { client } = await auth.registerUser({ email, password: 'correct horse battery' });
        expect(client).to.include({ email, firstName: '', lastName: '' });
        const { accessToken } = await auth.login({ email, password: 'correct horse battery' });
        expect((await auth.getMe({}, { token: accessToken })).client!.id).to.equal(client!.id);
      } finally {
        auth.close();
      }
    });
  });

  describe('when the server answers UNAVAILABLE', () => {
    let flaky: Awaited<ReturnType<typeof flakyServer>>;
    beforeEach(async () => {
      flaky = await flakyServer(2);
    });
    afterEach(async () => flaky?.close());

    it('retries an idempotent call and returns its answer', async () => {
      const auth = pkg.createClientAuthClient(flaky.address, { retry: { initialBackoffMs: 10, maxBackoffMs: 50 } });
      try {
        await auth.validateToken({ token: 'x' });
        await auth.getClient({ clientId: 'x' });
      } finally {
        auth.close();
      }
      expect(flaky.attempts.get('validateToken')).to.equal(3);
      expect(flaky.attempts.get('getClient')).to.equal(3);
    });

    it('never retries a call that would change something twice (Login, RefreshToken, RegisterUser)', async () => {
      const auth = pkg.createClientAuthClient(flaky.address, { retry: { initialBackoffMs: 10, maxBackoffMs: 50 } });
      try {
        for (const call of [
          () => auth.login({ email: 'a@example.com', password: 'p' }),
          () => auth.refreshToken({ refreshToken: 'r' }),
          () => auth.registerUser({ email: 'a@example.com' }),
        ]) {
          const error = (await call().catch((e: unknown) => e)) as { code: number };
          expect(error.code).to.equal(status.UNAVAILABLE);
        }
      } finally {
        auth.close();
      }
      expect([flaky.attempts.get('login'), flaky.attempts.get('refreshToken'), flaky.attempts.get('registerUser')]).to.deep.equal([1, 1, 1]);
    });

    it('gives up after maxAttempts with the last UNAVAILABLE, and retries nothing with retry: false', async () => {
      const bounded = pkg.createClientAuthClient(flaky.address, { retry: { maxAttempts: 2, initialBackoffMs: 10 } });
      const off = pkg.createClientAuthClient(flaky.address, { retry: false });
      try {
        expect(((await bounded.getMe({}).catch((e: unknown) => e)) as { code: number }).code).to.equal(status.UNAVAILABLE);
        expect(flaky.attempts.get('getMe')).to.equal(2);
        expect(((await off.listClients({}).catch((e: unknown) => e)) as { code: number }).code).to.equal(status.UNAVAILABLE);
        expect(flaky.attempts.get('listClients')).to.equal(1);
      } finally {
        bounded.close();
        off.close();
      }
    });
  });
});
