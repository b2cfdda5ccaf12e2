import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { type ClientAuthPromiseClient, createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { eventually } from '../../support/eventually.js';
import { freePort, repoRoot } from '../../support/paths.js';
import { startRedis, stopRedis } from '../../support/redis-process.js';
import { failure, startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireRedisControl, requireServices } from '../../support/services.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'root@example.com', password: 'admin password 1' };

/** Starts `node dist/src/main.js server` as its own process and waits until it serves. */
async function startServerProcess(env: Record<string, string>): Promise<{ child: ChildProcess; api: ClientAuthPromiseClient; output: string[] }> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [join(repoRoot(), 'dist/src/main.js'), 'server'], {
    env: { PATH: process.env['PATH'] ?? '', ...env, GRPC_PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const api = createClientAuthClient(`127.0.0.1:${port}`, { deadlineMs: 2000 });
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`server process exited: ${output.join('')}`);
      return api.validateToken({ token: 'x' }).then(
        () => true,
        (error: { code?: number }) => error.code === 16,
      );
    },
    { timeoutMs: 20000, intervalMs: 100, what: () => `the server process to start: ${output.join('')}` },
  );
  return { child, api, output };
}

describe('Two server processes sharing one Redis', function () {
  this.timeout(60000);
  let first: TestServer;
  let second: { child: ChildProcess; api: ClientAuthPromiseClient; output: string[] };

  before(async function () {
    const services = requireServices(this);
    const env = testEnv(services, 'multi', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    first = await startTestServer(env);
    // Every ValidateToken logged (ACCESS_LOG_SAMPLE=1), so the test below sees them all for tokens.
    second = await startServerProcess({ ...env, LOG_LEVEL: 'info', ACCESS_LOG_SAMPLE: '1' });
  });
  after(async () => {
    second?.api.close();
    if (second && second.child.exitCode === null) {
      const exited = new Promise((resolve) => second.child.once('exit', resolve));
      second.child.kill('SIGTERM');
      await exited;
    }
    await first?.close();
  });

  // How soon is the bench's figure (npm run bench: suspensions seen by watchers); a test only says it is seen.
  it("sees a suspension made through one instance in the other's ValidateToken, with no restart or expiry", async () => {
    const adminToken = (await first.api.login(ADMIN)).accessToken;
    const email = `shared${Date.now()}@example.com`;
    const { client } = await first.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const { accessToken } = await second.api.login({ email, password: PASSWORD });
    expect((await second.api.validateToken({ token: accessToken })).clientId).to.equal(client!.id);

    await first.api.suspendClient({ clientId: client!.id, reason: 'multi-instance check' }, { token: adminToken });
    const reason = await eventually(async () => (await failure(second.api.validateToken({ token: accessToken })).catch(() => ({ reason: '' }))).reason, {
      timeoutMs: 2000,
      intervalMs: 0,
      what: 'the other instance to refuse the token',
    });
    expect(reason).to.equal('CLIENT_SUSPENDED');

    await first.api.reinstateClient({ clientId: client!.id }, { token: adminToken });
    const fresh = await first.api.login({ email, password: PASSWORD });
    const clientId = await eventually(async () => (await second.api.validateToken({ token: fresh.accessToken }).catch(() => ({ clientId: '' }))).clientId, {
      timeoutMs: 2000,
      intervalMs: 0,
      what: 'the other instance to accept a token of the reinstated client',
    });
    expect(clientId).to.equal(client!.id);
  });

  it('sees a logout made through one instance in the other at once', async () => {
    const email = `logout${Date.now()}@example.com`;
    await first.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const { accessToken } = await first.api.login({ email, password: PASSWORD });
    await second.api.logout({}, { token: accessToken });
    expect(await failure(first.api.validateToken({ token: accessToken }))).to.include({ reason: 'SESSION_REVOKED' });
  });

  it('sees sessions a user ended from its account page through one instance refused by the other at once', async () => {
    const email = `ended${Date.now()}@example.com`;
    await first.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const laptop = await first.api.login({ email, password: PASSWORD });
    const phone = await first.api.login({ email, password: PASSWORD });
    const tablet = await first.api.login({ email, password: PASSWORD });
    const phoneSession = (await first.api.validateToken({ token: phone.accessToken })).sessionId;
    await second.api.endMySession({ sessionId: phoneSession }, { token: laptop.accessToken });
    expect(await failure(first.api.validateToken({ token: phone.accessToken }))).to.include({ reason: 'SESSION_REVOKED' });
    await second.api.endMyOtherSessions({}, { token: laptop.accessToken });
    expect(await failure(first.api.validateToken({ token: tablet.accessToken }))).to.include({ reason: 'SESSION_REVOKED' });
    expect(await failure(first.api.refreshToken({ refreshToken: tablet.refreshToken }))).to.include({ reason: 'SESSION_REVOKED' });
    expect((await first.api.validateToken({ token: laptop.accessToken })).sessionId).to.not.equal(phoneSession);
  });

  it('refuses suspended, deleted and logged-out clients on both instances after Redis restarts empty, and puts the gateway keys back', async function () {
    requireRedisControl(this);
    const adminToken = (await first.api.login(ADMIN)).accessToken;
    const register = async (label: string) => {
      const email = `${label}${Date.now()}@example.com`;
      const { client } = await first.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      return { id: client!.id, token: (await first.api.login({ email, password: PASSWORD })).accessToken };
    };
    const suspended = await register('restart-suspended');
    const loggedOut = await register('restart-logout');
    const deleted = await register('restart-deleted');
    await first.api.suspendClient({ clientId: suspended.id, reason: 'restart check' }, { token: adminToken });
    await second.api.logout({}, { token: loggedOut.token });
    await first.api.deleteClient({ clientId: deleted.id }, { token: adminToken });
    expect(await first.redis.get(deleted.id)).to.equal('deleted');

    await stopRedis();
    await startRedis();

    const expected: Array<[string, string]> = [
      [suspended.token, 'CLIENT_SUSPENDED'],
      [loggedOut.token, 'SESSION_REVOKED'],
      [deleted.token, 'CLIENT_DELETED'],
    ];
    // From the restart on, no instance may let any of them through, even before it has refilled.
    const deadline = Date.now() + 15000;
    for (const api of [first.api, second.api]) {
      for (const [token, reason] of expected) {
        for (;;) {
          const outcome = await api.validateToken({ token }).then(
            () => 'OK',
            (error: { code?: number }) => (error.code === 14 ? 'UNAVAILABLE' : failure(Promise.reject(error)).then((f) => f.reason)),
          );
          expect(outcome).to.be.oneOf([reason, 'UNAVAILABLE']);
          if (outcome === reason) break;
          expect(Date.now(), `${reason} never came back`).to.be.below(deadline);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    }
    expect(await first.redis.get(suspended.id)).to.equal('suspended');
    expect(await first.redis.get(deleted.id)).to.equal('deleted');
  });

  it('logs JSON lines with the method, code and duration of each call, and no token', async () => {
    const lines = second.output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"msg":"rpc"'));
    expect(lines.length).to.be.greaterThan(0);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.some((entry) => entry['method'] === 'ValidateToken' && entry['code'] === 'OK' && typeof entry['ms'] === 'number')).to.equal(true);
    expect(second.output.join('')).not.to.match(/eyJ[A-Za-z0-9_-]+\.eyJ/);
  });
});
