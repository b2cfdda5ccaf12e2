/**
 * A refill of the revocation list whose MongoDB read never answers (a stalled TCP
 * connection, a server that accepted it and hangs): the list fails closed meanwhile, and the
 * refill must end as a failed one and be retried, so that the service validates again once
 * MongoDB answers on a new connection, without a restart.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { DEFAULT_KEYS } from '../../../src/adapters/redis/revocation-list.js';
import { eventually } from '../../support/eventually.js';
import { failure, startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

const PASSWORD = 'correct horse battery';

describe('Revocation list refill while MongoDB hangs (FerretDB and Redis)', function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  let server: TestServer;

  before(async function () {
    const services = requireServices(this);
    const mongo = new URL(services.mongoUri);
    proxy = await startTcpProxy({ host: mongo.hostname, port: Number(mongo.port) });
    mongo.host = proxy.address;
    server = await startTestServer(testEnv(services, 'refill_hang', { MONGODB_URI: mongo.toString(), MONGODB_SOCKET_TIMEOUT_MS: '1000' }));
  });
  after(async () => {
    await server?.close();
    await proxy?.close();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.logs.slice(-15).join('\n'));
  });

  it('fails closed while the refill hangs, and validates again once MongoDB answers on a new connection', async () => {
    const email = `refillhang${Date.now()}@example.com`;
    await server.api.registerUser({ email, password: PASSWORD });
    const { accessToken } = await server.api.login({ email, password: PASSWORD });
    const { clientId } = await server.api.validateToken({ token: accessToken });
    expect(clientId).to.not.equal('');

    // A connection to MongoDB dies under the refill's first read (suspended clients), while
    // MongoDB and the driver's monitoring stay healthy; then Redis loses the list.
    proxy.stallOnRequest('suspended');
    await server.redis.flushall();
    await eventually(
      () =>
        server.api.validateToken({ token: accessToken }).then(
          () => false,
          (error: { code?: number }) => error.code === status.UNAVAILABLE,
        ),
      { timeoutMs: 10_000, intervalMs: 50, what: 'the list to fail closed once Redis lost it' },
    );
    // The refill this started cannot read the stores: it is reported failing (not left hanging), and the list stays closed.
    await eventually(() => server.logs.some((line) => line.includes('refill of the revocation list failing')), {
      timeoutMs: 20_000,
      what: 'the hung refill to be reported failing',
    });
    expect((await failure(server.api.validateToken({ token: accessToken }))).code).to.equal(status.UNAVAILABLE);

    // Reads answer again; the connections that hung stay stalled, as dead TCP links would.
    proxy.passNew();
    await eventually(
      () =>
        server.api.validateToken({ token: accessToken }).then(
          (answer) => answer.clientId === clientId,
          () => false,
        ),
      { timeoutMs: 15_000, intervalMs: 100, what: 'the service to validate again once MongoDB answers' },
    );
    expect(await server.redis.get(DEFAULT_KEYS.markerKey), 'the marker the completed refill claimed').to.not.equal(null);
  });
});
