import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import {
  type HealthCheckResponse,
  HealthClient,
  type HealthListResponse,
  HealthCheckResponse_ServingStatus as Status,
} from '../../../gen/grpc/health/v1/health.js';
import { HealthStatuses } from '../../../src/transport/grpc/health.js';

function check(client: HealthClient, service: string): Promise<HealthCheckResponse> {
  return new Promise((resolve, reject) => client.check({ service }, (error, response) => (error ? reject(error) : resolve(response))));
}

describe('grpc.health.v1 (src/transport/grpc/health.ts) on a real server', () => {
  let server: grpc.Server;
  let client: HealthClient;
  let health: HealthStatuses;

  beforeEach(async () => {
    health = new HealthStatuses({ '': 'SERVING', 'clientauth.v1.ClientAuth': 'SERVING' });
    server = new grpc.Server();
    health.addToServer(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    client = new HealthClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterEach(() => {
    client.close();
    server.forceShutdown();
  });

  it('answers Check for the server and for a service, and NOT_FOUND with the name for one it does not know', async () => {
    expect(await check(client, '')).to.deep.equal({ status: Status.SERVING });
    health.setStatus('clientauth.v1.ClientAuth', 'NOT_SERVING');
    expect(await check(client, 'clientauth.v1.ClientAuth')).to.deep.equal({ status: Status.NOT_SERVING });
    const error = await check(client, 'no.such.Service').then(
      () => null,
      (failure: grpc.ServiceError) => failure,
    );
    expect(error?.code).to.equal(grpc.status.NOT_FOUND);
    expect(error?.details).to.equal('unknown service "no.such.Service"');
  });

  it('lists every service with its status', async () => {
    health.setStatus('', 'NOT_SERVING');
    const listed = await new Promise<HealthListResponse>((resolve, reject) =>
      client.list({}, (error, response) => (error ? reject(error) : resolve(response))),
    );
    expect(listed).to.deep.equal({ statuses: { '': { status: Status.NOT_SERVING }, 'clientauth.v1.ClientAuth': { status: Status.SERVING } } });
  });

  it('streams the status on Watch, then each change (not a repeat), and SERVICE_UNKNOWN for an unknown service', async () => {
    const seen: Status[] = [];
    const watch = client.watch({ service: 'clientauth.v1.ClientAuth' });
    watch.on('error', () => {});
    const arrived = (count: number) =>
      new Promise<void>((resolve) => {
        const wait = () => (seen.length >= count ? resolve() : setTimeout(wait, 5));
        wait();
      });
    watch.on('data', (response: HealthCheckResponse) => seen.push(response.status));
    await arrived(1);
    health.setStatus('clientauth.v1.ClientAuth', 'NOT_SERVING');
    health.setStatus('clientauth.v1.ClientAuth', 'NOT_SERVING');
    health.setStatus('clientauth.v1.ClientAuth', 'SERVING');
    await arrived(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).to.deep.equal([Status.SERVING, Status.NOT_SERVING, Status.SERVING]);
    watch.cancel();

    const unknown = client.watch({ service: 'no.such.Service' });
    unknown.on('error', () => {});
    const first = await new Promise<HealthCheckResponse>((resolve) => unknown.once('data', resolve));
    expect(first.status).to.equal(Status.SERVICE_UNKNOWN);
    unknown.cancel();
  });

  it('forgets a cancelled Watch', async () => {
    const watch = client.watch({ service: '' });
    watch.on('error', () => {});
    await new Promise((resolve) => watch.once('data', resolve));
    watch.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((health as unknown as { watchers: Map<string, Set<unknown>> }).watchers.size).to.equal(0);
  });
});
