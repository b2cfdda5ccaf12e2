/**
 * The embedded set-up generates its sealing keys into DATA_DIR (`key-encryption-key`, or
 * `jwt-secret` on HS256). Once something is stored sealed with one (signing keys, TOTP
 * secrets, queued mail), losing the file must stop start-up with DATA_DIR left exactly as
 * it was: a new file would open none of it, and would stand in the way of the backup.
 * Embedded only: the shared set-up generates nothing (loadConfig requires the keys there).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { generatePrivateKey } from '../../../src/adapters/crypto/jws.js';
import { KEY_ENCRYPTION_KEY_FILE_NAME, SECRET_FILE_NAME } from '../../../src/adapters/embedded/development-secret.js';
import { SQLITE_FILE_NAME } from '../../../src/adapters/embedded/sqlite-database.js';
import { buildApp } from '../../../src/bootstrap/composition.js';
import { loadConfig } from '../../../src/config/index.js';
import { ADMIN, enrolTotp, PASSWORD, registerUser, totpCode } from '../../support/factor-fixture.js';
import { embeddedEnv, freshDataDir, recordingLogger, startTestServer, type TestServer } from '../../support/server.js';

/** Every file under `dir` with the SHA-256 of its bytes and its mode. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(dir, name);
    const stat = fs.statSync(file);
    files[name] = stat.isDirectory()
      ? `dir ${stat.mode.toString(8)}`
      : `${createHash('sha256').update(fs.readFileSync(file)).digest('hex')} ${stat.mode.toString(8)}`;
  }
  return files;
}

/** Rows of `table` in the embedded database, read around the service. */
function rows(dataDir: string, table: string): number {
  const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A port nothing listens on: mail sent there stays queued in the outbox. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starting again on `env`: the error it stops with, or null if it started (and is then closed). */
async function restartError(env: Record<string, string>): Promise<Error | null> {
  return buildApp(loadConfig(env), recordingLogger([])).then(
    async (app) => {
      await app.close();
      return null;
    },
    (caught: Error) => caught,
  );
}

describe('A generated key file lost over sealed data, on the embedded set-up', function () {
  this.timeout(30000);
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  const signedInUser = async (server: TestServer) => {
    const user = await registerUser(server, 'lost');
    const { accessToken } = await server.api.login({ email: user.email, password: PASSWORD });
    return { ...user, accessToken };
  };

  it('stops start-up over stored signing keys and TOTP secrets, naming the file and both, and leaves DATA_DIR byte for byte as it was', async () => {
    const { JWT_SECRET_KEY: _secret, ...env } = embeddedEnv();
    const server = await startTestServer(env);
    await enrolTotp(server, (await signedInUser(server)).accessToken);
    await server.close();
    const dataDir = env['DATA_DIR']!;
    const file = path.join(dataDir, KEY_ENCRYPTION_KEY_FILE_NAME);
    fs.rmSync(file);
    const before = snapshot(dataDir);

    const error = await restartError(env);
    expect(snapshot(dataDir)).to.deep.equal(before);
    expect(error?.message)
      .to.contain(`${file} generated in DATA_DIR is missing`)
      .and.contain('1 signing key(s)')
      .and.contain('1 TOTP secret(s)')
      .and.contain('put the file back')
      .and.contain('KEY_ENCRYPTION_KEY');
  });

  it('stops start-up over TOTP secrets when tokens are signed with JWT_PRIVATE_KEY_FILE, and starts with every factor once the file is back', async () => {
    const { JWT_SECRET_KEY: _secret, ...base } = embeddedEnv({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const keyFile = path.join(freshDataDir(), 'signing-key.pem');
    fs.writeFileSync(keyFile, generatePrivateKey('EdDSA').export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const env: Record<string, string> = { ...base, JWT_PRIVATE_KEY_FILE: keyFile };
    const server = await startTestServer(env);
    const user = await signedInUser(server);
    const { secret } = await enrolTotp(server, user.accessToken);
    await server.close();
    const dataDir = env['DATA_DIR']!;
    const file = path.join(dataDir, KEY_ENCRYPTION_KEY_FILE_NAME);
    const kek = fs.readFileSync(file);
    fs.rmSync(file);
    const before = snapshot(dataDir);

    const error = await restartError(env);
    expect(snapshot(dataDir)).to.deep.equal(before);
    expect(error?.message).to.contain(`${file} generated in DATA_DIR is missing`).and.contain('1 TOTP secret(s)').and.contain('put the file back');

    fs.writeFileSync(file, kek, { mode: 0o600 });
    const restarted = await startTestServer(env);
    servers.push(restarted);
    const { challengeToken } = (await restarted.api.login({ email: user.email, password: PASSWORD })).secondFactorChallenge!;
    // One step ahead: the drift allowed, and a step the enrolment did not use.
    const pair = await restarted.api.completeLogin({ challengeToken, totpCode: totpCode(secret, 1), recoveryCode: '', passkey: undefined });
    expect((await restarted.api.validateToken({ token: pair.accessToken })).clientId).to.equal(user.id);
  });

  it('stops start-up over queued mail when the generated jwt-secret is lost on HS256, and writes no new one', async () => {
    const env = embeddedEnv({ JWT_ALGORITHM: 'HS256', SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`, MAIL_RETRY_BASE_MS: '600000' });
    delete env['JWT_SECRET_KEY'];
    const server = await startTestServer(env);
    await registerUser(server, 'queued');
    const dataDir = env['DATA_DIR']!;
    expect(rows(dataDir, 'mail_outbox'), 'the verification mail waits in the outbox').to.be.greaterThan(0);
    await server.close();
    const file = path.join(dataDir, SECRET_FILE_NAME);
    fs.rmSync(file);
    const before = snapshot(dataDir);

    const error = await restartError(env);
    expect(snapshot(dataDir)).to.deep.equal(before);
    expect(fs.existsSync(file)).to.equal(false);
    expect(error?.message).to.contain(`${file} generated in DATA_DIR is missing`).and.contain('queued mail').and.contain('JWT_SECRET_KEY');
  });

  it('still generates a key file into a DATA_DIR that holds nothing sealed', async () => {
    const { JWT_SECRET_KEY: _secret, ...env } = embeddedEnv();
    expect(await restartError(env)).to.equal(null);
    expect(fs.existsSync(path.join(env['DATA_DIR']!, KEY_ENCRYPTION_KEY_FILE_NAME))).to.equal(true);
  });
});
