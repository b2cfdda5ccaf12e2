import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { portOf, runMain as run, type StartedMain as Started } from '../../support/main-process.js';
import { freePort, repoRoot } from '../../support/paths.js';
import { testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

describe('node dist/src/main.js runs the gRPC server, the bridge, or both', function () {
  this.timeout(30000);
  let env: Record<string, string>;
  const running: Started[] = [];

  before(function () {
    const services = requireServices(this);
    env = testEnv(services, 'roles', { LOG_LEVEL: 'info', GRPC_PORT: '0', BRIDGE_HOST: '127.0.0.1', BRIDGE_PORT: '0' });
  });
  afterEach(async () => {
    for (const started of running.splice(0)) {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      await started.exit;
    }
  });

  it('runs both by default, the bridge calling the server handlers in process, and stops both on SIGTERM', async () => {
    const both = await run([], env, ['gRPC server listening', 'bridge listening']);
    running.push(both);
    expect(both.lines.find((entry) => entry['msg'] === 'bridge listening')!['upstream']).to.equal('in-process');
    const bridgeUrl = `http://127.0.0.1:${portOf(both, 'bridge listening')}`;
    const health = await fetch(`${bridgeUrl}/healthz`);
    expect(health.status).to.equal(200);

    both.child.kill('SIGTERM');
    expect(await both.exit).to.equal(0);
    const refused = await fetch(`${bridgeUrl}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(refused).to.equal('refused');
  });

  it('runs only the gRPC server with "server", and only the bridge with "bridge", which then reaches that server', async () => {
    const server = await run(['server'], env, ['gRPC server listening']);
    running.push(server);
    const grpcPort = portOf(server, 'gRPC server listening');
    expect(server.lines.some((entry) => entry['msg'] === 'bridge listening')).to.equal(false);

    const bridge = await run(['bridge'], { ...env, BRIDGE_GRPC_TARGET: `127.0.0.1:${grpcPort}` }, ['bridge listening']);
    running.push(bridge);
    expect(bridge.lines.some((entry) => entry['msg'] === 'gRPC server listening')).to.equal(false);
    // Alone, the bridge keeps the network client to BRIDGE_GRPC_TARGET.
    expect(bridge.lines.find((entry) => entry['msg'] === 'bridge listening')!['upstream']).to.equal(`127.0.0.1:${grpcPort}`);
    const response = await fetch(`http://127.0.0.1:${portOf(bridge, 'bridge listening')}/healthz`);
    expect(response.status).to.equal(200);
  });

  it('answers 503 from a bridge whose gRPC target is down', async () => {
    const bridge = await run(['bridge'], { ...env, BRIDGE_GRPC_TARGET: `127.0.0.1:${await freePort()}` }, ['bridge listening']);
    running.push(bridge);
    const response = await fetch(`http://127.0.0.1:${portOf(bridge, 'bridge listening')}/healthz`);
    expect(response.status).to.equal(503);
  });

  it('refuses an unknown role with exit code 64', async () => {
    const child = spawn(process.execPath, [join(repoRoot(), 'dist/src/main.js'), 'gateway'], { stdio: 'ignore' });
    expect(await new Promise((resolve) => child.on('exit', resolve))).to.equal(64);
  });
});
