import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { type HealthCheckResponse, HealthClient, HealthCheckResponse_ServingStatus as Serving } from '../../../gen/grpc/health/v1/health.js';
import { errorDetailOf } from '../../../src/sdk/error-details.js';
import { embeddedEnv, startTestServer, type TestServer } from '../../support/server.js';
import { openWatchStream, refusalOf } from '../../support/watch-stream.js';

const ADMIN = { email: 'drain-admin@example.com', password: 'the drain admin password' };

const unavailable = (error: grpc.ServiceError) => ({ code: error.code, reason: errorDetailOf(error)?.reason, details: error.details });
const SHUTTING_DOWN = { code: grpc.status.UNAVAILABLE, reason: 'UNAVAILABLE', details: 'this instance is shutting down; retry later' };

describe('A draining server ends its watch streams at once and refuses new ones, with UNAVAILABLE', function () {
  this.timeout(30000);
  let server: TestServer;
  let health: HealthClient;

  before(async () => {
    server = await startTestServer(embeddedEnv({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
    health = new HealthClient(server.address, grpc.credentials.createInsecure());
  });
  after(async () => {
    health?.close();
    await server?.close();
  });

  it('ends an open WatchRevocations stream and health Watch (after NOT_SERVING), then refuses both, so none holds the drain', async () => {
    const token = (await server.api.login(ADMIN)).accessToken;
    const stream = openWatchStream(server.api, token);
    await stream.next((message) => message.message?.$case === 'snapshot');
    const statuses: Serving[] = [];
    const watch = health.watch({ service: '' });
    watch.on('data', (response: HealthCheckResponse) => statuses.push(response.status));
    const watchEnded = new Promise<grpc.ServiceError>((resolve) => watch.once('error', resolve));
    await new Promise((resolve) => watch.once('data', resolve));

    server.grpc.stopTakingCalls();
    expect(unavailable((await stream.ended)!)).to.deep.equal(SHUTTING_DOWN);
    expect(unavailable(await watchEnded)).to.deep.equal(SHUTTING_DOWN);
    expect(statuses).to.deep.equal([Serving.SERVING, Serving.NOT_SERVING]);
    expect({ revocations: server.grpc.watches.revocations.size, health: server.grpc.watches.health.size }).to.deep.equal({ revocations: 0, health: 0 });

    expect(unavailable(await refusalOf(openWatchStream(server.api, token)))).to.deep.equal(SHUTTING_DOWN);
    const late = health.watch({ service: '' });
    const lateAnswer = await new Promise<Serving | grpc.ServiceError>((resolve) => {
      late.once('data', (response: HealthCheckResponse) => resolve(response.status));
      late.once('error', resolve);
    });
    expect(typeof lateAnswer === 'object' && unavailable(lateAnswer)).to.deep.equal(SHUTTING_DOWN);
  });
});
