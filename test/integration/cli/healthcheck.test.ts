/**
 * The image's HEALTHCHECK command (`node dist/src/cli/healthcheck.js`), run as Docker runs it:
 * a separate process with the container's environment, judged by its exit code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { run } from '../../support/go-tools.js';
import { freePort, repoRoot } from '../../support/paths.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

const HEALTHCHECK = join(repoRoot(), 'dist', 'src', 'cli', 'healthcheck.js');

/** Runs the health check with only the given environment, as `docker exec` would with the container's. */
async function healthcheck(env: Record<string, string>): Promise<{ exitCode: number; output: string }> {
  const args = Object.entries({ PATH: process.env['PATH'] ?? '', ...env }).map(([name, value]) => `${name}=${value}`);
  const result = await run('env', ['-i', ...args, process.execPath, HEALTHCHECK]);
  return { exitCode: result.exitCode, output: result.stdout + result.stderr };
}

/** Stands in for the bridge's /healthz, which answers 200 when its gRPC upstream serves and 503 when not. */
async function fakeBridge(statusCode: number): Promise<Server> {
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/healthz' ? statusCode : 404, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: Server) => String((server.address() as AddressInfo).port);

describe('The container health check', function () {
  this.timeout(30000);
  let server: TestServer;
  let unusedPort: string;

  before(async function () {
    const services = requireServices(this);
    server = await startTestServer(testEnv(services, 'healthcheck'));
    unusedPort = String(await freePort());
  });
  after(async () => server?.close());

  it('passes for a server-only container whose gRPC health service says SERVING', async () => {
    const result = await healthcheck({ GRPC_HOST: '0.0.0.0', GRPC_PORT: String(server.grpc.port), BRIDGE_PORT: unusedPort });
    expect(result.exitCode, result.output).to.equal(0);
    expect(result.output).to.include(`grpc 127.0.0.1:${server.grpc.port}: healthy (SERVING)`);
    expect(result.output).to.include(`bridge http://127.0.0.1:${unusedPort}/healthz: not listening`);
  });

  it('fails while the server drains (health NOT_SERVING)', async () => {
    server.grpc.health.setStatus('', 'NOT_SERVING');
    try {
      const result = await healthcheck({ GRPC_PORT: String(server.grpc.port), BRIDGE_PORT: unusedPort });
      expect(result.exitCode).to.equal(1);
      expect(result.output).to.include('unhealthy (NOT_SERVING)');
    } finally {
      server.grpc.health.setStatus('', 'SERVING');
    }
  });

  it('passes for a bridge-only container whose /healthz answers 200, and fails on 503', async () => {
    const healthy = await fakeBridge(200);
    const failing = await fakeBridge(503);
    try {
      const passed = await healthcheck({ GRPC_PORT: unusedPort, BRIDGE_PORT: portOf(healthy) });
      expect(passed.exitCode, passed.output).to.equal(0);
      expect(passed.output).to.include(`grpc 127.0.0.1:${unusedPort}: not listening`);
      const failed = await healthcheck({ GRPC_PORT: unusedPort, BRIDGE_PORT: portOf(failing) });
      expect(failed.exitCode).to.equal(1);
      expect(failed.output).to.include('unhealthy (HTTP 503)');
    } finally {
      healthy.close();
      failing.close();
    }
  });

  it('fails a container running both when either half is unhealthy', async () => {
    const failing = await fakeBridge(503);
    try {
      const result = await healthcheck({ GRPC_PORT: String(server.grpc.port), BRIDGE_PORT: portOf(failing) });
      expect(result.exitCode).to.equal(1);
      expect(result.output).to.include('healthy (SERVING)');
      expect(result.output).to.include('unhealthy (HTTP 503)');
    } finally {
      failing.close();
    }
  });

  it('fails when nothing listens at all, saying so', async () => {
    const result = await healthcheck({ GRPC_PORT: unusedPort, BRIDGE_PORT: String(await freePort()) });
    expect(result.exitCode).to.equal(1);
    expect(result.output).to.include('neither the gRPC server nor the bridge is listening');
  });

  it('fails with the reason when the environment is not a valid configuration', async () => {
    const result = await healthcheck({ GRPC_PORT: 'fifty' });
    expect(result.exitCode).to.equal(1);
    expect(result.output).to.include('GRPC_PORT must be a whole number');
  });
});
