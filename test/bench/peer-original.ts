/**
 * The original Go service, as a peer in the benchmark (`--peer-original`): built from the
 * Go module proxy into .cache/bin, run on the same FerretDB and Redis, with a user
 * registered and logged in on it. It listens on port 8000 (fixed in its code) and takes
 * its settings from the original variables.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { isExecutable } from '../support/paths.js';
import { pinned, SERVER_CPU } from './processes.js';

const MODULE = 'github.com/a-shine/client-auth@2841fdec7276';
/** The name `go install` gives the binary: the module path's last element. */
const BINARY = 'client-auth';
export const PEER_PORT = 8000;

/** The peer's binary in .cache/bin, built when missing; throws with the reason when it cannot be had. */
export function ensurePeer(root: string, say: (line: string) => void): string {
  const bin = path.join(root, '.cache', 'bin', BINARY);
  if (isExecutable(bin)) return bin;
  say(`building the original service (${MODULE}) into .cache/bin with go install`);
  const built = spawnSync('go', ['install', MODULE], {
    env: { ...process.env, GOBIN: path.dirname(bin), GOFLAGS: '-buildvcs=false' },
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  if (built.status !== 0 || !isExecutable(bin)) {
    const why = (built.stderr || built.error?.message || `exit ${built.status}`).trim().split('\n').slice(-2).join(' ');
    throw new Error(`go install ${MODULE} failed: ${why}`);
  }
  return bin;
}

export interface Peer {
  pid: number;
  url: string;
  /** The `token` cookie of a logged-in user. */
  token: string;
  email: string;
  password: string;
  stop(): Promise<void>;
}

/**
 * Starts the peer pinned to the server core on the given stores and secret, at bcrypt
 * cost 10 (its own, fixed), and logs a user in on it.
 */
export async function startPeer(bin: string, stores: { mongoUri: string; redisUrl: string; dbName: string }, secret: string): Promise<Peer> {
  if (!(await portIsFree(PEER_PORT))) throw new Error(`port ${PEER_PORT}, which the original service always listens on, is taken`);
  const mongo = new URL(stores.mongoUri);
  const redis = new URL(stores.redisUrl);
  const env = {
    PATH: process.env['PATH'] ?? '',
    DB_HOST: mongo.hostname,
    // Its connection string is "mongodb://user:password@host:port": the query rides on the port.
    DB_PORT: `${mongo.port}/?authMechanism=PLAIN`,
    DB_USER: decodeURIComponent(mongo.username) || 'bench',
    DB_PASSWORD: decodeURIComponent(mongo.password) || 'bench',
    DB_NAME: stores.dbName,
    REDIS_HOST: redis.hostname,
    REDIS_PORT: redis.port || '6379',
    REDIS_PASSWORD: decodeURIComponent(redis.password),
    JWT_SECRET_KEY: secret,
    JWT_TOKEN_EXP_MIN: '15',
  };
  const { command, args } = pinned(SERVER_CPU, bin, []);
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  };
  try {
    const url = `http://127.0.0.1:${PEER_PORT}`;
    const deadline = Date.now() + 30_000;
    while (
      !(await fetch(`${url}/me`).then(
        () => true,
        () => false,
      ))
    ) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`the original service did not start: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const email = `peer-${Date.now().toString(36)}@example.com`;
    const password = 'peer-bench-password';
    const registered = await fetch(`${url}/register-user`, {
      method: 'POST',
      body: JSON.stringify({ email, password, firstName: 'Bench', lastName: 'Peer', groups: ['user'] }),
    });
    if (registered.status !== 201) throw new Error(`registering on the original service answered ${registered.status}: ${await registered.text()}`);
    const login = await fetch(`${url}/login`, { method: 'POST', body: JSON.stringify({ email, password }) });
    const cookie = login.headers.getSetCookie().find((header) => header.startsWith('token='));
    if (login.status !== 200 || !cookie) throw new Error(`logging in on the original service answered ${login.status}`);
    return { pid: child.pid!, url, token: cookie.slice('token='.length, cookie.indexOf(';')), email, password, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(true)));
  });
}
