/**
 * The embedded default: what a person gets who starts the service with nothing configured.
 * Needs neither FerretDB nor Redis.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import { SECRET_FILE_NAME } from '../../../src/adapters/embedded/development-secret.js';
import { MemoryEventBus } from '../../../src/adapters/embedded/memory-event-bus.js';
import { sqliteFilePath } from '../../../src/adapters/embedded/sqlite-database.js';
import { buildApp } from '../../../src/bootstrap/composition.js';
import { loadConfig } from '../../../src/config/index.js';
import type { DeletionRequestEvent } from '../../../src/domain/clients/ports.js';
import { dataDirOf, embeddedEnv, failure, recordingLogger, startTestServer, type TestServer } from '../../support/server.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'admin@example.com', password: 'an admin password' };

describe('The embedded default (no MongoDB, no Redis)', function () {
  this.timeout(20000);
  const running: TestServer[] = [];
  /** Starts a server on `env`; every server still running is closed after each test. */
  const start = async (env: Record<string, string>) => {
    const server = await startTestServer(env);
    running.push(server);
    return server;
  };
  const stop = async (server: TestServer) => {
    running.splice(running.indexOf(server), 1);
    await server.close();
  };
  afterEach(async () => {
    while (running.length > 0) await running.pop()!.close();
  });

  const register = (server: TestServer, email: string) =>
    server.api.registerUser({ email, password: PASSWORD, firstName: 'Grace', lastName: 'Hopper', phoneNumber: '', attributes: {} });

  it('logs one line at start naming the SQLite file and saying it serves one instance only', async () => {
    const server = await start(embeddedEnv());
    const adapterLines = server.logs.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((line) => /adapters/i.test(line.msg));
    expect(adapterLines).to.have.length(1);
    expect(adapterLines[0]!.level).to.equal('info');
    expect(adapterLines[0]!.msg).to.contain(
      `client-auth is wired on embedded adapters: SQLite at ${sqliteFilePath(dataDirOf(server.config))} (synchronous=NORMAL)`,
    );
    expect(adapterLines[0]!.msg).to.contain('in-process revocation list and event bus');
    expect(adapterLines[0]!.msg).to.contain('serves ONE instance only');
  });

  it('syncs every commit with SQLITE_SYNCHRONOUS=full, and says so', async () => {
    const server = await start({ ...embeddedEnv(), SQLITE_SYNCHRONOUS: 'full' });
    const adapterLine = server.logs.find((line) => /wired on embedded adapters/.test(line));
    expect(adapterLine).to.contain('(synchronous=FULL)');
  });

  it('creates DATA_DIR and its database owner-only, since password hashes live there', async () => {
    const { DATA_DIR: parent, ...env } = embeddedEnv();
    const dataDir = path.join(parent!, 'nested', 'data');
    await start({ ...env, DATA_DIR: dataDir });
    expect(fs.statSync(dataDir).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(sqliteFilePath(dataDir)).mode & 0o777).to.equal(0o600);
  });

  it('keeps clients, sessions and revocations across a restart on the same DATA_DIR', async () => {
    const env = embeddedEnv();
    const before = await start(env);
    const { client } = await register(before, 'grace@example.com');
    const kept = await before.api.login({ email: 'grace@example.com', password: PASSWORD });
    const loggedOut = await before.api.login({ email: 'grace@example.com', password: PASSWORD });
    await before.api.logout({}, { token: loggedOut.accessToken });
    await stop(before);

    const after = await start(env);
    const again = await after.api.login({ email: 'grace@example.com', password: PASSWORD });
    expect(again.client!.id).to.equal(client!.id);
    expect((await after.api.getMe({}, { token: kept.accessToken })).client).to.deep.equal(client);
    expect((await after.api.refreshToken({ refreshToken: kept.refreshToken })).refreshToken).to.be.a('string');
    expect(await failure(after.api.validateToken({ token: loggedOut.accessToken }))).to.include({
      code: status.UNAUTHENTICATED,
      reason: 'SESSION_REVOKED',
    });
    expect(await failure(register(after, 'grace@example.com'))).to.include({ reason: 'EMAIL_TAKEN' });
  });

  describe('with JWT_ALGORITHM=HS256 and without JWT_SECRET_KEY', () => {
    const withoutSecret = () => {
      const { JWT_SECRET_KEY: _secret, ...env } = embeddedEnv({ JWT_ALGORITHM: 'HS256' });
      return env;
    };

    it('generates a secret once into DATA_DIR/jwt-secret, owner-only, and warns that production MUST set one', async () => {
      const server = await start(withoutSecret());
      const file = path.join(dataDirOf(server.config), SECRET_FILE_NAME);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      const secret = fs.readFileSync(file, 'utf8');
      expect(Buffer.byteLength(secret)).to.be.at.least(32);

      const address = 'ada@example.com';
      await register(server, address);
      const { accessToken } = await server.api.login({ email: address, password: PASSWORD });
      expect(() => jwt.verify(accessToken, secret, { algorithms: ['HS256'] })).not.to.throw();

      const warnings = server.logs.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((line) => line.level === 'warn');
      expect(warnings.map((line) => line.msg)).to.satisfy((messages: string[]) =>
        messages.some((message) => message.includes('JWT_SECRET_KEY is not set') && message.includes('MUST set JWT_SECRET_KEY in production')),
      );
      expect(server.logs.join('\n')).not.to.contain(secret);
    });

    it('reuses the generated secret after a restart, so tokens issued before it stay valid', async () => {
      const env = withoutSecret();
      const before = await start(env);
      const file = path.join(dataDirOf(before.config), SECRET_FILE_NAME);
      const secret = fs.readFileSync(file, 'utf8');
      const { client } = await register(before, 'linus@example.com');
      const { accessToken } = await before.api.login({ email: 'linus@example.com', password: PASSWORD });
      await stop(before);

      const after = await start(env);
      expect(fs.readFileSync(file, 'utf8')).to.equal(secret);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect((await after.api.validateToken({ token: accessToken })).clientId).to.equal(client!.id);
    });

    it('warns when the secret file can be read by other users', async () => {
      const env = withoutSecret();
      const file = path.join(env['DATA_DIR']!, SECRET_FILE_NAME);
      fs.writeFileSync(file, 'k'.repeat(48));
      fs.chmodSync(file, 0o644);
      const server = await start(env);
      expect(server.logs.some((line) => line.includes('"level":"warn"') && line.includes('chmod 600'))).to.equal(true);
    });

    it('refuses to start on a secret file too short to sign with, naming the file', async () => {
      const env = withoutSecret();
      fs.writeFileSync(path.join(env['DATA_DIR']!, SECRET_FILE_NAME), 'short', { mode: 0o600 });
      let error: unknown;
      await buildApp(loadConfig(env), recordingLogger([])).catch((caught: unknown) => (error = caught));
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message)
        .to.contain(SECRET_FILE_NAME)
        .and.contain('JWT_SECRET_KEY');
    });
  });

  describe('deletion requests', () => {
    it('keeps them in the outbox for ListDeletionRequests, across a restart, and hands them to in-process listeners', async () => {
      const env = embeddedEnv({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
      const before = await start(env);
      const bus = before.app.adapters.events;
      expect(bus).to.be.instanceOf(MemoryEventBus);
      const heard: DeletionRequestEvent[] = [];
      (bus as MemoryEventBus).on('deletion-request', (event) => heard.push(event));

      const admin = await before.api.login({ email: ADMIN.email, password: ADMIN.password });
      const { client } = await register(before, 'leaving@example.com');
      const user = await before.api.login({ email: 'leaving@example.com', password: PASSWORD });
      const { deletionRequest } = await before.api.deleteClient({ clientId: client!.id }, { token: admin.accessToken });
      expect(deletionRequest).to.include({ clientId: client!.id, requestedBy: admin.client!.id, delivered: true });
      expect(heard.map((event) => event.clientId)).to.deep.equal([client!.id]);

      const listed = await before.api.listDeletionRequests({ pageSize: 10, pendingOnly: false }, { token: admin.accessToken });
      expect(listed.deletionRequests).to.have.length(1);
      expect(listed.deletionRequests[0]).to.deep.include({
        clientId: client!.id,
        kind: ClientKind.CLIENT_KIND_USER,
        requestedBy: admin.client!.id,
        delivered: true,
      });
      await stop(before);

      const after = await start(env);
      const relisted = await after.api.listDeletionRequests({ pageSize: 10, pendingOnly: false }, { token: admin.accessToken });
      expect(relisted.deletionRequests).to.deep.equal(listed.deletionRequests);
      expect(await failure(after.api.validateToken({ token: user.accessToken }))).to.include({ reason: 'CLIENT_DELETED' });
      expect(await failure(after.api.login({ email: 'leaving@example.com', password: PASSWORD }))).to.include({ reason: 'INVALID_CREDENTIALS' });
    });
  });
});
