import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { errorDetailOf } from '../../../src/sdk/error-details.js';
import { type ClientAuthCalls, promiseClient } from '../../../src/sdk/typed-client.js';
import { SERVICE_NAME } from '../../../src/transport/grpc/grpc-server.js';
import { inProcessClient } from '../../../src/transport/grpc/in-process-client.js';
import { embeddedEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startBridgeFor, type TestBridge } from './bridge-fixture.js';

/** How a call failed, as a caller of either client sees it. */
async function failureOf(call: Promise<unknown>) {
  const error = await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (failure: unknown) => failure as Error & { code: number; details: string; metadata: import('@grpc/grpc-js').Metadata },
  );
  return { isError: error instanceof Error, code: error.code, details: error.details, message: error.message, detail: errorDetailOf(error) };
}

describe('The in-process wiring of the bridge (the default `all` role)', () => {
  let server: TestServer;
  let inProcess: ClientAuthCalls;

  before(async () => {
    server = await startTestServer(embeddedEnv());
    inProcess = promiseClient(inProcessClient(server.grpc.handlers, { maxMessageBytes: server.config.grpc.maxMessageBytes }));
  });
  after(async () => {
    await server?.close();
  });

  it('fails a call exactly as the network client does: same code, message and reason trailers', async () => {
    const calls: Array<(api: ClientAuthCalls) => Promise<unknown>> = [
      (api) => api.login({ email: 'nobody@example.com', password: 'not the password' }),
      (api) => api.login({ email: 'not an email', password: 'x' }),
      (api) => api.getMe({}, { token: 'abc.def.ghi' }),
      (api) => api.getMe({}),
    ];
    for (const call of calls) {
      const overNetwork = await failureOf(call(server.api));
      const direct = await failureOf(call(inProcess));
      expect(direct).to.deep.equal(overNetwork);
      expect(direct.detail?.reason).to.be.a('string').and.not.equal('');
    }
  });

  it('answers with the same messages as the network client, defaults included', async () => {
    await server.api.registerUser({
      email: 'same@example.com',
      password: 'long enough, and then some',
      firstName: 'Ada',
      lastName: '',
      phoneNumber: '',
      attributes: {},
    });
    const overNetwork = await server.api.login({ email: 'same@example.com', password: 'long enough, and then some' });
    const direct = await inProcess.login({ email: 'same@example.com', password: 'long enough, and then some' });
    expect(Object.keys(direct).sort()).to.deep.equal(Object.keys(overNetwork).sort());
    expect(direct.client).to.deep.equal(overNetwork.client);
    const me = await inProcess.getMe({}, { token: direct.accessToken });
    expect(me.client).to.deep.equal(overNetwork.client);
  });

  it('refuses a request over GRPC_MAX_MESSAGE_BYTES with RESOURCE_EXHAUSTED, as the server would', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`key${index}`, 'v'.repeat(2000)]));
    const request = { email: 'huge@example.com', password: 'long enough, and then some', firstName: '', lastName: '', phoneNumber: '', attributes };
    expect((await failureOf(inProcess.registerUser(request))).code).to.equal(status.RESOURCE_EXHAUSTED);
    expect((await failureOf(server.api.registerUser(request))).code).to.equal(status.RESOURCE_EXHAUSTED);
    expect(await server.store.countClients({ email: 'huge@example.com' })).to.equal(0);
  });

  describe('through the bridge', () => {
    let bridge: TestBridge | undefined;
    afterEach(async () => {
      await bridge?.close();
      bridge = undefined;
    });

    it('answers 503 DEADLINE_EXCEEDED when a handler does not answer within BRIDGE_CALL_TIMEOUT_MS', async () => {
      const handlers = { ...server.grpc.handlers, getMe: () => {} };
      const silent = { config: server.config, grpc: { ...server.grpc, handlers } } as unknown as TestServer;
      bridge = await startBridgeFor(silent, 'in-process', { BRIDGE_CALL_TIMEOUT_MS: '300' });
      const started = Date.now();
      const response = await new CookieClient(bridge.url).get('/me', { headers: { Authorization: 'Bearer abc.def.ghi' } });
      expect(response.status).to.equal(503);
      expect(response.body).to.deep.equal({ message: 'the authentication service did not answer in time; retry later', reason: 'DEADLINE_EXCEEDED' });
      expect(Date.now() - started).to.be.within(250, 5000);
    });

    it('reports the server health as it changes: 503 NOT_SERVING while the server drains', async () => {
      bridge = await startBridgeFor(server, 'in-process');
      const client = new CookieClient(bridge.url);
      expect((await client.get('/healthz')).status).to.equal(200);
      server.grpc.health.setStatus(SERVICE_NAME, 'NOT_SERVING');
      try {
        const draining = await client.get('/healthz');
        expect(draining.status).to.equal(503);
        expect(draining.body).to.include({ status: 'NOT_SERVING' });
      } finally {
        server.grpc.health.setStatus(SERVICE_NAME, 'SERVING');
      }
    });
  });
});
