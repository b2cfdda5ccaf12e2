import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { type HealthCheckResponse, HealthClient, HealthCheckResponse_ServingStatus as Serving } from '../../../gen/grpc/health/v1/health.js';
import { errorDetailOf } from '../../../src/sdk/error-details.js';
import { eventually } from '../../support/eventually.js';
import { embeddedEnv, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { openWatchStream, refusalOf, type WatchStream } from '../../support/watch-stream.js';

const ADMIN = { email: 'stream-limits-admin@example.com', password: 'an admin password for streams' };

/** How a refused stream ended, as its client reads it. */
function refusal(error: grpc.ServiceError) {
  return { code: error.code, reason: errorDetailOf(error)?.reason ?? '', message: error.details };
}

for (const setup of SETUPS)
  describe(`WatchRevocations streams are bounded per client and per instance (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let adminToken: string;
    let counter = 0;
    const open: WatchStream[] = [];

    before(async function () {
      server = await startTestServer(
        setupEnv(setup, this, 'stream_limits', {
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          WATCH_STREAMS_PER_CLIENT: '2',
          WATCH_STREAMS_MAX: '3',
        }),
      );
      adminToken = (await server.api.login(ADMIN)).accessToken;
    });
    afterEach(async () => {
      for (const stream of open.splice(0)) stream.call.cancel();
      await eventually(() => server.grpc.watches.revocations.size === 0, { what: 'every stream to be closed' });
    });
    after(async () => server?.close());

    const opened = async (token: string) => {
      const stream = openWatchStream(server.api, token);
      open.push(stream);
      await stream.next((message) => message.message?.$case === 'snapshot');
      return stream;
    };
    const gatewayToken = async () => {
      const { client, clientSecret } = await server.api.registerService(
        { email: `limited-gw${++counter}@example.com`, name: 'gateway', groups: ['gateway'] },
        { token: adminToken },
      );
      return (await server.api.issueServiceToken({ clientId: client!.id, clientSecret })).accessToken;
    };

    it('refuses a client its third stream with RESOURCE_EXHAUSTED TOO_MANY_STREAMS, and gives it one again once one of its streams has ended', async () => {
      const first = await opened(adminToken);
      await opened(adminToken);
      const third = openWatchStream(server.api, adminToken);
      expect(refusal(await refusalOf(third))).to.deep.include({ code: grpc.status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_STREAMS' });
      expect((await refusalOf(openWatchStream(server.api, adminToken))).details).to.match(/this client has 2 WatchRevocations streams open/);

      first.call.cancel();
      await eventually(() => server.grpc.watches.revocations.size === 1, { what: 'the cancelled stream to give its place back' });
      await opened(adminToken);
    });

    it('refuses every client a stream once the instance has WATCH_STREAMS_MAX open, with RESOURCE_EXHAUSTED TOO_MANY_STREAMS', async () => {
      await opened(adminToken);
      await opened(adminToken);
      await opened(await gatewayToken());
      const refused = refusal(await refusalOf(openWatchStream(server.api, await gatewayToken())));
      expect(refused).to.deep.include({ code: grpc.status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_STREAMS' });
      expect(refused.message).to.match(/this instance has 3 WatchRevocations streams open/);
    });
  });

/** A health Watch stream's first answer: its first status, or how it ended. */
function healthWatch(client: HealthClient) {
  const call = client.watch({ service: '' });
  const answer = new Promise<{ status: Serving } | { error: grpc.ServiceError }>((resolve) => {
    call.once('data', (response: HealthCheckResponse) => resolve({ status: response.status }));
    call.once('error', (error: grpc.ServiceError) => resolve({ error }));
  });
  return { call, answer };
}

describe('grpc.health.v1 Watch streams are bounded per client IP and per instance', function () {
  this.timeout(30000);
  const started: TestServer[] = [];
  const clients: HealthClient[] = [];
  after(async () => {
    for (const client of clients) client.close();
    for (const server of started) await server.close();
  });
  const serverWith = async (env: Record<string, string>) => {
    const server = await startTestServer(embeddedEnv(env));
    started.push(server);
    const client = new HealthClient(server.address, grpc.credentials.createInsecure());
    clients.push(client);
    return { server, client };
  };

  it('refuses an IP its third stream with RESOURCE_EXHAUSTED TOO_MANY_STREAMS, and still answers its Check', async () => {
    const { client } = await serverWith({ HEALTH_WATCH_STREAMS_PER_IP: '2' });
    for (let i = 0; i < 2; i++) expect(await healthWatch(client).answer).to.deep.equal({ status: Serving.SERVING });
    const third = await healthWatch(client).answer;
    expect('error' in third && refusal(third.error)).to.deep.include({ code: grpc.status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_STREAMS' });
    expect('error' in third && third.error.details).to.match(/this IP address has 2 health Watch streams open/);
    const checked = await new Promise<HealthCheckResponse>((resolve, reject) =>
      client.check({ service: '' }, (error, response) => (error ? reject(error) : resolve(response))),
    );
    expect(checked.status).to.equal(Serving.SERVING);
  });

  it('refuses a stream once the instance has HEALTH_WATCH_STREAMS_MAX open, with RESOURCE_EXHAUSTED TOO_MANY_STREAMS', async () => {
    const { client } = await serverWith({ HEALTH_WATCH_STREAMS_MAX: '2' });
    for (let i = 0; i < 2; i++) expect(await healthWatch(client).answer).to.deep.equal({ status: Serving.SERVING });
    const third = await healthWatch(client).answer;
    expect('error' in third && refusal(third.error)).to.deep.include({ code: grpc.status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_STREAMS' });
    expect('error' in third && third.error.details).to.match(/this instance has 2 health Watch streams open/);
  });
});

describe('A gRPC connection holds at most GRPC_MAX_STREAMS_PER_CONNECTION calls', function () {
  this.timeout(30000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer(embeddedEnv({ GRPC_MAX_STREAMS_PER_CONNECTION: '2' }));
  });
  after(async () => server?.close());

  it('says so in its HTTP/2 settings, and refuses the streams of a peer that opens more with REFUSED_STREAM', async () => {
    const session = http2.connect(`http://${server.address}`);
    session.on('error', () => {});
    try {
      // Sent before the server's settings arrive, as a peer that ignores them would send them.
      const streams = Array.from({ length: 4 }, () => {
        const stream = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Watch', 'content-type': 'application/grpc', te: 'trailers' });
        stream.on('error', () => {});
        stream.end(Buffer.alloc(5));
        return new Promise<number | 'answered'>((resolve) => {
          stream.once('response', () => resolve('answered'));
          stream.once('close', () => resolve(stream.rstCode ?? 0));
        });
      });
      expect(await Promise.all(streams)).to.deep.equal([
        'answered',
        'answered',
        http2.constants.NGHTTP2_REFUSED_STREAM,
        http2.constants.NGHTTP2_REFUSED_STREAM,
      ]);
      expect(session.remoteSettings.maxConcurrentStreams).to.equal(2);
    } finally {
      session.destroy();
    }
  });
});
