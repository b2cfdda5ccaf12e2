/**
 * grpc-health-probe, the probe Kubernetes and most orchestrators run against gRPC
 * services, against the real server's grpc.health.v1 service.
 */
import { expect } from 'chai';
import { SERVICE_NAME } from '../../../src/transport/grpc/grpc-server.js';
import { requireTool, run } from '../../support/go-tools.js';
import { freePort } from '../../support/paths.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

/** grpc-health-probe's documented exit codes. */
const EXIT = { healthy: 0, connectionFailure: 2, rpcFailure: 3, unhealthy: 4 } as const;

describe('grpc-health-probe against the running server', function () {
  this.timeout(30000);
  let probe: string;
  let server: TestServer;

  before(async function () {
    probe = requireTool(this, 'grpc-health-probe');
    const services = requireServices(this);
    server = await startTestServer(testEnv(services, 'health_probe'));
  });
  after(async () => server?.close());

  it('reports the server SERVING (exit 0)', async () => {
    const result = await run(probe, [`-addr=${server.address}`]);
    expect(result.exitCode, result.stderr).to.equal(EXIT.healthy);
    // The probe logs its verdict on stderr.
    expect(result.stderr.trim()).to.equal('status: SERVING');
  });

  it('reports clientauth.v1.ClientAuth SERVING by name', async () => {
    const result = await run(probe, [`-addr=${server.address}`, `-service=${SERVICE_NAME}`]);
    expect(result.exitCode, result.stderr).to.equal(EXIT.healthy);
    expect(result.stderr.trim()).to.equal('status: SERVING');
  });

  it('fails with exit 4 while ClientAuth is marked NOT_SERVING, and passes again once it serves', async () => {
    server.grpc.health.setStatus(SERVICE_NAME, 'NOT_SERVING');
    try {
      const result = await run(probe, [`-addr=${server.address}`, `-service=${SERVICE_NAME}`]);
      expect(result.exitCode).to.equal(EXIT.unhealthy);
      expect(result.stderr).to.include('NOT_SERVING');
    } finally {
      server.grpc.health.setStatus(SERVICE_NAME, 'SERVING');
    }
    const again = await run(probe, [`-addr=${server.address}`, `-service=${SERVICE_NAME}`]);
    expect(again.exitCode, again.stderr).to.equal(EXIT.healthy);
  });

  it('fails with exit 3 for a service the server does not know', async () => {
    const result = await run(probe, [`-addr=${server.address}`, '-service=nope.v1.Nope']);
    expect(result.exitCode).to.equal(EXIT.rpcFailure);
    expect(result.stderr).to.include('NotFound');
  });

  it('fails with exit 2 when nothing listens on the address', async () => {
    const result = await run(probe, [`-addr=127.0.0.1:${await freePort()}`, '-connect-timeout=500ms']);
    expect(result.exitCode).to.equal(EXIT.connectionFailure);
    expect(result.stderr).to.include('failed to connect');
  });
});
