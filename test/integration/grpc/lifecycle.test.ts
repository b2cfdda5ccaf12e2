import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { upstreamHealth } from '../../../bridge/upstream-health.js';
import { ListAuditEventsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { type HealthCheckResponse, HealthClient, HealthCheckResponse_ServingStatus as Serving } from '../../../gen/grpc/health/v1/health.js';
import { errorDetailOf } from '../../../src/sdk/error-details.js';
import { createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { eventually } from '../../support/eventually.js';
import { freePort, repoRoot } from '../../support/paths.js';
import { embeddedEnv, failure, SETUP_TITLES, SETUPS, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import { openWatchStream } from '../../support/watch-stream.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'lifecycle-admin@example.com', password: 'the lifecycle admin password' };

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startProcess(env: Record<string, string>, role: string[] = ['server']): Running {
  let output = '';
  const child = spawn(process.execPath, [join(repoRoot(), 'dist/src/main.js'), ...role], {
    env: { PATH: process.env['PATH'] ?? '', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('The server process', function () {
  this.timeout(60000);
  const started: Running[] = [];
  after(() => {
    for (const running of started) if (running.child.exitCode === null) running.child.kill('SIGKILL');
  });

  it('waits for a Redis that comes up late, logging what it waits for, then serves', async function () {
    const services = requireServices(this);
    const redisPort = await freePort();
    const grpcPort = await freePort();
    const metricsPort = await freePort();
    const running = startProcess({
      ...testEnv(services, 'late-redis'),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      GRPC_PORT: String(grpcPort),
      GRPC_HOST: '127.0.0.1',
      METRICS_PORT: String(metricsPort),
    });
    started.push(running);
    await eventually(() => running.output().includes('waiting for Redis'), { timeoutMs: 15000, intervalMs: 50, what: 'the waiting log line' });
    const dir = mkdtempSync(join(tmpdir(), 'client-auth-late-redis-'));
    const redis = spawn(process.env['REDIS_SERVER_BIN'] ?? 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
      stdio: 'ignore',
    });
    try {
      await eventually(() => running.output().includes('gRPC server listening'), { timeoutMs: 20000, intervalMs: 50, what: 'the server to listen' });
      const api = createClientAuthClient(`127.0.0.1:${grpcPort}`);
      const { client } = await api.registerUser({
        email: `late${Date.now()}@example.com`,
        password: 'correct horse battery',
        firstName: '',
        lastName: '',
        phoneNumber: '',
        attributes: {},
      });
      expect(client!.groups).to.deep.equal(['user']);
      await api.login({ email: client!.email, password: 'correct horse battery' });
      await api.login({ email: client!.email, password: 'a wrong password' }).catch(() => {});
      api.close();

      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).to.contain('clientauth_rpc_total{method="RegisterUser",code="OK"} 1');
      expect(metrics).to.contain('clientauth_logins_total{outcome="success"} 1');
      expect(metrics).to.contain('clientauth_logins_total{outcome="invalid_credentials"} 1');
      expect(metrics).to.contain('clientauth_store_up{store="mongodb"} 1');
      expect(metrics).to.contain('clientauth_store_up{store="redis"} 1');
      expect(metrics).to.match(/^clientauth_outbox_backlog 0$/m);

      running.child.kill('SIGTERM');
      expect(await running.exited).to.equal(0);
      expect(running.output()).to.contain('shutting down');
    } finally {
      redis.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on SIGTERM in the default role, stops taking gRPC calls and HTTP requests at once, finishes the running ones, and exits 0', async function () {
    const services = requireServices(this);
    const [grpcPort, bridgePort] = [await freePort(), await freePort()];
    // bcrypt at cost 13 takes about a second here: long enough to be in flight across the signal.
    const running = startProcess(
      { ...testEnv(services, 'shutdown'), GRPC_PORT: String(grpcPort), BRIDGE_PORT: String(bridgePort), BRIDGE_HOST: '127.0.0.1', BCRYPT_COST: '13' },
      [],
    );
    started.push(running);
    await eventually(() => running.output().includes('bridge listening'), { timeoutMs: 20000, intervalMs: 50, what: 'the bridge to listen' });
    // No retries: the draining server's own UNAVAILABLE is what this test reads, and a retry
    // that lands after the process exited would see a refused connection instead.
    const api = createClientAuthClient(`127.0.0.1:${grpcPort}`, { deadlineMs: 20000, retry: false });
    const health = upstreamHealth(`127.0.0.1:${grpcPort}`);
    try {
      const email = `shutdown${Date.now()}@example.com`;
      await api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      expect(await health.check(2000)).to.equal('SERVING');

      const inFlightLogin = api.login({ email, password: PASSWORD });
      const inFlightHttp = fetch(`http://127.0.0.1:${bridgePort}/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      let loginSettled = false;
      void inFlightLogin.finally(() => (loginSettled = true)).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(loginSettled, 'the login must still be running when the signal arrives').to.equal(false);
      running.child.kill('SIGTERM');
      await eventually(() => running.output().includes('shutting down'), { timeoutMs: 5000, intervalMs: 50, what: 'the shutdown log line' });

      expect(await failure(api.validateToken({ token: 'anything' }))).to.include({ code: status.UNAVAILABLE, reason: 'UNAVAILABLE' });
      expect(await health.check(2000)).to.equal('NOT_SERVING');
      const refused = await fetch(`http://127.0.0.1:${bridgePort}/healthz`);
      expect(refused.status).to.equal(503);
      expect(await refused.json()).to.include({ reason: 'UNAVAILABLE' });

      expect((await inFlightLogin).accessToken).to.be.a('string').that.is.not.empty;
      expect((await inFlightHttp).status).to.equal(200);
      expect(await running.exited).to.equal(0);
    } finally {
      api.close();
      health.close();
    }
  });

  for (const setup of SETUPS)
    it(`on SIGTERM (${SETUP_TITLES[setup]}), ends every WatchRevocations and health Watch stream at once with UNAVAILABLE, so none holds the drain, and exits 0`, async function () {
      const env = setup === 'shared' ? testEnv(requireServices(this), 'drain_watches') : embeddedEnv();
      const grpcPort = await freePort();
      const running = startProcess({ ...env, GRPC_PORT: String(grpcPort), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
      started.push(running);
      await eventually(() => running.output().includes('gRPC server listening'), { timeoutMs: 20000, intervalMs: 50, what: 'the server to listen' });
      const api = createClientAuthClient(`127.0.0.1:${grpcPort}`, { retry: false });
      const health = new HealthClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
      try {
        const stream = openWatchStream(api, (await api.login(ADMIN)).accessToken);
        await stream.next((message) => message.message?.$case === 'snapshot');
        const statuses: Serving[] = [];
        const watch = health.watch({ service: '' });
        watch.on('data', (response: HealthCheckResponse) => statuses.push(response.status));
        const watchEnded = new Promise<ServiceError>((resolve) => watch.once('error', resolve));
        await eventually(() => statuses.length > 0, { what: 'the health Watch status' });

        running.child.kill('SIGTERM');
        const ended = (await stream.ended)!;
        expect({ code: ended.code, reason: errorDetailOf(ended)?.reason, details: ended.details }).to.deep.equal({
          code: status.UNAVAILABLE,
          reason: 'UNAVAILABLE',
          details: 'this instance is shutting down; retry later',
        });
        const watchError = await watchEnded;
        expect({ code: watchError.code, reason: errorDetailOf(watchError)?.reason }).to.deep.equal({ code: status.UNAVAILABLE, reason: 'UNAVAILABLE' });
        expect(statuses).to.deep.equal([Serving.SERVING, Serving.NOT_SERVING]);
        expect(await running.exited).to.equal(0);
      } finally {
        api.close();
        health.close();
      }
    });

  for (const setup of SETUPS)
    it(`on SIGTERM (${SETUP_TITLES[setup]}), stores the audit records still gathering before it exits, as the next start lists them`, async function () {
      const env = {
        ...(setup === 'shared' ? testEnv(requireServices(this), 'drain_audit') : embeddedEnv()),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      };
      const start = async () => {
        const grpcPort = await freePort();
        const running = startProcess({ ...env, GRPC_PORT: String(grpcPort) });
        started.push(running);
        await eventually(() => running.output().includes('gRPC server listening'), { timeoutMs: 20000, intervalMs: 50, what: 'the server to listen' });
        return { running, api: createClientAuthClient(`127.0.0.1:${grpcPort}`, { retry: false }) };
      };
      const first = await start();
      let registered: string;
      try {
        const email = `drain-audit${Date.now()}@example.com`;
        const { client } = await first.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
        await first.api.login({ email, password: PASSWORD });
        registered = client!.id;
        // At once: the records of both calls are gathering for their write.
        first.running.child.kill('SIGTERM');
        expect(await first.running.exited).to.equal(0);
        expect(first.running.output()).to.not.include('audit records not stored at shutdown');
      } finally {
        first.api.close();
      }
      const second = await start();
      try {
        const { accessToken } = await second.api.login(ADMIN);
        const page = await second.api.listAuditEvents(ListAuditEventsRequest.fromPartial({ pageSize: 10, targetClientId: registered }), { token: accessToken });
        expect(page.events.map((event) => event.type).sort()).to.deep.equal(['client.registered', 'login.succeeded']);
      } finally {
        second.api.close();
        second.running.child.kill('SIGTERM');
        await second.running.exited;
      }
    });

  it('on SIGTERM, closes the stores only after the last running call has ended, those whose callers gave up included (GET /me on FerretDB and Redis)', async function () {
    const services = requireServices(this);
    const mongo = new URL(services.mongoUri);
    // MongoDB behind a proxy that can stall.
    const proxy = await startTcpProxy({ host: mongo.hostname, port: Number(mongo.port) });
    const [grpcPort, bridgePort] = [await freePort(), await freePort()];
    const running = startProcess(
      {
        ...testEnv(services, 'drain_calls'),
        MONGODB_URI: `mongodb://${proxy.address}/`,
        // Without the client-record cache every GetMe reads MongoDB, and that read is what must drain.
        CLIENT_CACHE_MAX_ENTRIES: '0',
        OUTBOX_RELAY_INTERVAL_MS: '600000',
        GRPC_PORT: String(grpcPort),
        BRIDGE_PORT: String(bridgePort),
        BRIDGE_HOST: '127.0.0.1',
        BRIDGE_CALL_TIMEOUT_MS: '1000',
      },
      [],
    );
    started.push(running);
    const api = createClientAuthClient(`127.0.0.1:${grpcPort}`, { retry: false });
    const getMeLines = () =>
      running
        .output()
        .split('\n')
        .filter((line) => line.includes('"method":"GetMe"') && line.includes('"msg":"rpc"'));
    try {
      await eventually(() => running.output().includes('bridge listening'), { timeoutMs: 20000, intervalMs: 50, what: 'the bridge to listen' });
      const bridge = `http://127.0.0.1:${bridgePort}`;
      const email = `drain-calls${Date.now()}@example.com`;
      await api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      const { accessToken } = await api.login({ email, password: PASSWORD });
      const cookie = `token=${accessToken}`;
      expect((await api.getMe({}, { token: accessToken })).client!.email).to.equal(email);
      await eventually(() => getMeLines().length === 1, { what: "the first GetMe's log line" });

      // MongoDB stalls: each GET /me is answered at the bridge's deadline, while its GetMe runs on.
      proxy.stall();
      const answers = await Promise.all(Array.from({ length: 17 }, () => fetch(`${bridge}/me`, { headers: { cookie } }).then((response) => response.status)));
      expect(answers).to.deep.equal(Array(17).fill(503));
      expect(getMeLines().length, 'GetMe calls ended before MongoDB answered').to.equal(1);

      proxy.passNew();
      running.child.kill('SIGTERM');
      // The stores must not close before MongoDB answers those calls: once the process says it waits, MongoDB comes back.
      await Promise.race([
        running.exited,
        eventually(() => running.output().includes('waiting for running calls'), { timeoutMs: 20000, what: 'the wait for running calls' }),
      ]);
      proxy.release();
      expect(await running.exited).to.equal(0);
      expect(getMeLines().map((line) => (JSON.parse(line) as { code: string }).code)).to.deep.equal(Array(18).fill('OK'));
      expect(
        running
          .output()
          .split('\n')
          .filter((line) => line.includes('dependency unavailable')),
      ).to.deep.equal([]);
    } finally {
      api.close();
      await proxy.close();
    }
  });

  it('gives up after STARTUP_TIMEOUT_MS when MongoDB never answers, and says so', async function () {
    const services = requireServices(this);
    const deadPort = await freePort();
    const running = startProcess({
      ...testEnv(services, 'no-mongo'),
      MONGODB_URI: `mongodb://127.0.0.1:${deadPort}/`,
      STARTUP_TIMEOUT_MS: '1500',
      GRPC_PORT: '0',
    });
    started.push(running);
    expect(await running.exited).to.equal(1);
    expect(running.output()).to.contain('waiting for MongoDB');
    expect(running.output()).to.match(/MongoDB did not answer within 1500 ms/);
  });

  it('refuses to start on a bad configuration value, naming the variable', async () => {
    const running = startProcess({ JWT_TOKEN_EXP_MIN: 'forever', DATA_DIR: mkdtempSync(join(tmpdir(), 'client-auth-bad-config-')) });
    started.push(running);
    expect(await running.exited).to.equal(78);
    expect(running.output()).to.contain('JWT_TOKEN_EXP_MIN must be a whole number');
  });
});
