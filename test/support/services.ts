/**
 * Test services: a real FerretDB (MongoDB wire protocol, SQLite backend) and a
 * real Redis for the test run.
 *
 * Loaded by mocha as a global fixture:
 *
 *   mocha --require dist/test/support/services.js 'dist/test/**\/*.test.js'
 *
 * - If TEST_MONGODB_URI and TEST_REDIS_URL are both set, they are used as they
 *   are and nothing is started. If only one is set, only the other service is
 *   started.
 * - Otherwise FerretDB (`.cache/ferretdb` under the repo root, or $FERRETDB_BIN;
 *   built from test/ferretdb) and `redis-server` (on PATH, or $REDIS_SERVER_BIN)
 *   are started on free loopback ports with data in fresh temp directories,
 *   and the two variables are set for the tests.
 * - When something is missing or fails to start: with CI=true the run fails;
 *   otherwise a reason is printed, the variables stay unset, and suites that
 *   call requireServices() skip.
 *
 * Not usable with `mocha --parallel`: stopRedis()/startRedis() act on the
 * process handle kept in this module, which only exists in the main process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const LOG_PREFIX = '[test services]';

interface Managed {
  name: string;
  proc: ChildProcess;
  port: number;
  logFile: string;
  exited: Promise<void>;
  hasExited: boolean;
}

let ferret: Managed | undefined;
let redis: Managed | undefined;
/** Binary, port and directory of the Redis started here; kept so startRedis() reuses them. */
let redisPort: number | undefined;
let redisDir: string | undefined;
let redisBin: string | undefined;
const tempDirs: string[] = [];
let exitHooksInstalled = false;
let unavailableReason: string | undefined;

/** A binary the harness needs is not there. */
class MissingError extends Error {}

function log(msg: string): void {
  console.log(`${LOG_PREFIX} ${msg}`);
}

function isCI(): boolean {
  return process.env.CI === 'true';
}

/** Repository root: nearest directory with a package.json above this file (else above cwd). */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return process.cwd();
}

/** Whether `file` is a regular file this process may execute. */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Asks the OS for a free loopback port (listen on port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tailOfFile(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    if (!text) return '(no output)';
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

function spawnLogged(name: string, bin: string, args: string[], port: number, logFile: string): Managed {
  const fd = fs.openSync(logFile, 'a');
  let proc: ChildProcess;
  try {
    proc = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: false });
  } finally {
    fs.closeSync(fd);
  }
  // Never let a child keep mocha alive; teardown and the exit hooks kill it.
  proc.unref();
  installExitHooks();
  if (proc.pid !== undefined) tellWatchdog(`P ${proc.pid}`);
  const m: Managed = { name, proc, port, logFile, hasExited: false, exited: Promise.resolve() };
  m.exited = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      m.hasExited = true;
      if (proc.pid !== undefined) tellWatchdog(`p ${proc.pid}`);
      resolve();
    });
    proc.once('error', (err) => {
      fs.appendFileSync(logFile, `\nspawn error: ${err.message}\n`);
      m.hasExited = true;
      resolve();
    });
  });
  return m;
}

/** Polls `probe` until it succeeds, the process dies, or the timeout passes. */
async function waitReady(m: Managed, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (m.hasExited) {
      throw new Error(
        `${m.name} exited during start-up (exit code ${m.proc.exitCode}, signal ${m.proc.signalCode}). ` +
          `Last output:\n${tailOfFile(m.logFile)}`,
      );
    }
    if (await probe()) return;
    await sleep(200);
  }
  throw new Error(
    `${m.name} did not accept connections on 127.0.0.1:${m.port} within ${STARTUP_TIMEOUT_MS / 1000} s. ` +
      `Last output:\n${tailOfFile(m.logFile)}`,
  );
}

/** Sends an inline PING over a raw socket; true on "+PONG". */
export function redisPing(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    let buf = '';
    let done = false;
    const sock = net.createConnection({ port, host });
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => finish(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) finish(buf.startsWith('+PONG'));
    });
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(false));
  });
}

async function mongoPing(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 1000,
    connectTimeoutMS: 1000,
    directConnection: true,
  });
  try {
    await client.connect();
    const res = await client.db('admin').command({ ping: 1 });
    return res.ok === 1;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Resolves true if `p` settles within `ms`, false otherwise; never leaves a timer behind. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function stopProcess(m: Managed): Promise<void> {
  if (m.hasExited) return;
  m.proc.kill('SIGTERM');
  if (!(await within(m.exited, STOP_GRACE_MS))) {
    log(`${m.name} (pid ${m.proc.pid}) did not stop within ${STOP_GRACE_MS / 1000} s after SIGTERM; sending SIGKILL`);
    m.proc.kill('SIGKILL');
    await within(m.exited, STOP_GRACE_MS);
  }
}

function killAllSync(): void {
  for (const m of [ferret, redis]) {
    if (m && !m.hasExited) {
      try {
        m.proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  removeTempDirs();
}

function removeTempDirs(): void {
  while (tempDirs.length) {
    const dir = tempDirs.pop()!;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
    tellWatchdog(`d ${dir}`);
  }
}

/*
 * Watchdog: a small detached node process that holds a pipe from this process.
 * When this process dies in a way that skips 'exit' listeners (SIGKILL, a
 * crash in Node's fatal-exception handler such as EPIPE on a closed stdout
 * with `mocha | head`), the pipe closes and the watchdog SIGKILLs the children
 * still registered and removes the temp dirs. Protocol, one line each:
 * `P pid` / `p pid` register / forget a child, `D dir` / `d dir` a directory.
 */
const WATCHDOG_SOURCE = `
const fs = require('fs');
const pids = new Set();
const dirs = new Set();
let buf = '';
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    const arg = line.slice(2);
    if (line[0] === 'P') pids.add(arg);
    else if (line[0] === 'p') pids.delete(arg);
    else if (line[0] === 'D') dirs.add(arg);
    else if (line[0] === 'd') dirs.delete(arg);
  }
});
process.stdin.on('end', () => {
  for (const pid of pids) { try { process.kill(Number(pid), 'SIGKILL'); } catch {} }
  setTimeout(() => {
    for (const dir of dirs) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
    process.exit(0);
  }, pids.size ? 300 : 0);
});
`;

let watchdog: ChildProcess | undefined;

function startWatchdog(): void {
  if (watchdog) return;
  try {
    watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true, // own process group: a terminal Ctrl-C does not stop it before it cleans up
    });
    watchdog.on('error', () => {
      watchdog = undefined;
    });
    watchdog.stdin?.on('error', () => undefined);
    watchdog.unref();
    (watchdog.stdin as net.Socket | null)?.unref();
  } catch {
    watchdog = undefined; // cleanup then relies on the 'exit' and signal hooks only
  }
}

function tellWatchdog(line: string): void {
  const stdin = watchdog?.stdin;
  if (stdin && stdin.writable) stdin.write(`${line}\n`);
}

function stopWatchdog(): void {
  watchdog?.stdin?.end();
  watchdog = undefined;
}

function installExitHooks(): void {
  startWatchdog();
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // Abrupt exit (process.exit, uncaught error, mocha --exit): kill the children synchronously.
  // Prepended so that it still runs when another 'exit' listener throws (e.g. EPIPE on stdout).
  process.prependListener('exit', killAllSync);
  // By default these signals end Node without 'exit' events, which would leave the children running.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllSync();
      // Re-raise: with no other listener left, the default action ends the process as before.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  installExitHooks();
  tellWatchdog(`D ${dir}`);
  return dir;
}

// ---------------------------------------------------------------------------
// FerretDB

function ferretBinary(): string {
  const fromEnv = process.env.FERRETDB_BIN;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new MissingError(`FERRETDB_BIN=${fromEnv} is not an executable file.`);
    }
    return fromEnv;
  }
  const bin = path.join(repoRoot(), '.cache', 'ferretdb');
  if (!isExecutable(bin)) {
    throw new MissingError(
      `FerretDB binary not found at ${bin}; build it from the repo root with ` +
        `\`go -C test/ferretdb build -o ../../.cache/ferretdb .\` (Go >= 1.24, fetches modules from the Go module proxy; ` +
        `.ci/run does this too), or set FERRETDB_BIN, or set TEST_MONGODB_URI to an existing MongoDB/FerretDB.`,
    );
  }
  return bin;
}

async function startFerret(): Promise<string> {
  const bin = ferretBinary();
  const port = await freePort();
  const base = makeTempDir('client-auth-ferretdb-');
  const dataDir = path.join(base, 'data');
  fs.mkdirSync(dataDir);
  const logFile = path.join(base, 'ferretdb.log');
  ferret = spawnLogged('FerretDB', bin, ['-listen', `127.0.0.1:${port}`, '-dir', dataDir], port, logFile);
  const uri = `mongodb://127.0.0.1:${port}/`;
  await waitReady(ferret, () => mongoPing(uri));
  log(`FerretDB (MongoDB wire protocol) running at ${uri} (pid ${ferret.proc.pid}, data ${dataDir})`);
  return uri;
}

// ---------------------------------------------------------------------------
// Redis

function redisBinary(): string {
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new MissingError(`REDIS_SERVER_BIN=${fromEnv} is not an executable file.`);
    }
    return fromEnv;
  }
  const bin = findOnPath('redis-server');
  if (!bin) {
    throw new MissingError(
      'redis-server not found on PATH; install it with `apt-get install -y redis-server` ' +
        '(.ci/run does this too), or set REDIS_SERVER_BIN, or set TEST_REDIS_URL to an existing Redis.',
    );
  }
  return bin;
}

async function spawnRedis(): Promise<void> {
  if (redisPort === undefined || redisDir === undefined || redisBin === undefined) {
    throw new Error('Redis was not started by the test harness');
  }
  const logFile = path.join(redisDir, 'redis.log');
  const args = [
    '--port', String(redisPort),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--dir', redisDir,
  ];
  redis = spawnLogged('Redis', redisBin, args, redisPort, logFile);
  const port = redisPort;
  await waitReady(redis, () => redisPing(port));
}

async function startRedisService(): Promise<string> {
  redisBin = redisBinary();
  redisPort = await freePort();
  redisDir = makeTempDir('client-auth-redis-');
  await spawnRedis();
  const url = `redis://127.0.0.1:${redisPort}`;
  log(`Redis running at ${url} (pid ${redis!.proc.pid}, dir ${redisDir})`);
  return url;
}

// ---------------------------------------------------------------------------
// mocha global fixtures

export async function mochaGlobalSetup(): Promise<void> {
  const haveMongo = Boolean(process.env.TEST_MONGODB_URI);
  const haveRedis = Boolean(process.env.TEST_REDIS_URL);
  if (haveMongo && haveRedis) {
    log(`using TEST_MONGODB_URI=${process.env.TEST_MONGODB_URI} and TEST_REDIS_URL=${process.env.TEST_REDIS_URL} (nothing started)`);
    return;
  }

  const started: { mongo?: string; redis?: string } = {};
  try {
    if (haveMongo) log(`using TEST_MONGODB_URI=${process.env.TEST_MONGODB_URI}`);
    else started.mongo = await startFerret();
    if (haveRedis) log(`using TEST_REDIS_URL=${process.env.TEST_REDIS_URL}`);
    else started.redis = await startRedisService();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await stopAll();
    if (isCI()) {
      throw new Error(`${LOG_PREFIX} cannot start the test services (CI=true, so the run fails):\n  ${reason}`);
    }
    unavailableReason = reason;
    log(`test services NOT available; suites that need MongoDB/Redis will be skipped.\n  Reason: ${reason}`);
    return;
  }
  if (started.mongo) process.env.TEST_MONGODB_URI = started.mongo;
  if (started.redis) process.env.TEST_REDIS_URL = started.redis;
}

async function stopAll(): Promise<void> {
  const all = [ferret, redis].filter((m): m is Managed => m !== undefined);
  await Promise.all(all.map(stopProcess));
  ferret = undefined;
  redis = undefined;
  redisPort = undefined;
  redisDir = undefined;
  redisBin = undefined;
  removeTempDirs();
  stopWatchdog();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopAll();
}

// ---------------------------------------------------------------------------
// helpers for tests

/**
 * Returns the service addresses, or skips the calling test/suite (with a
 * printed reason) when they are not available. Call from `before`/`it` with
 * `this` (a regular function, not an arrow function).
 * In CI a missing service is an error, never a skip.
 */
export function requireServices(ctx: Mocha.Context): { mongoUri: string; redisUrl: string } {
  const mongoUri = process.env.TEST_MONGODB_URI;
  const redisUrl = process.env.TEST_REDIS_URL;
  if (mongoUri && redisUrl) return { mongoUri, redisUrl };

  const missing = [!mongoUri && 'TEST_MONGODB_URI', !redisUrl && 'TEST_REDIS_URL'].filter(Boolean).join(' and ');
  const why =
    unavailableReason ??
    'mocha was probably run without --require dist/test/support/services.js';
  if (isCI()) {
    throw new Error(`${LOG_PREFIX} ${missing} not set in CI: ${why}`);
  }
  const runnable = ctx.test;
  const isHook = (runnable as { type?: string } | undefined)?.type === 'hook';
  const title = (isHook ? runnable?.parent?.fullTitle() : runnable?.fullTitle()) ?? '';
  log(`skipping "${title}": ${missing} not set (${why.split('\n')[0]})`);
  ctx.skip();
}

/** True when Redis was started by this harness (so stopRedis/startRedis can be used). */
export function canControlRedis(): boolean {
  return redisPort !== undefined && redisBin !== undefined;
}

/**
 * For a test that stops and restarts Redis: skips it, saying why, when this run did not
 * start Redis itself (TEST_REDIS_URL came from outside); with CI=true that fails instead.
 */
export function requireRedisControl(ctx: Mocha.Context): void {
  if (canControlRedis()) return;
  const reason = 'this test stops and restarts Redis, and this run did not start Redis itself (TEST_REDIS_URL was given)';
  if (process.env['CI'] === 'true') throw new Error(`cannot run in CI: ${reason}`);
  console.log(`    skipping: ${reason}`);
  ctx.skip();
}

/**
 * Stops the harness's Redis (SIGTERM, SIGKILL after a grace period), so clients see connection refused.
 * The port is remembered (not held) for startRedis(). No-op if it is already stopped.
 */
export async function stopRedis(): Promise<void> {
  if (!canControlRedis()) {
    throw new Error(`${LOG_PREFIX} stopRedis(): Redis was not started by the test harness (external TEST_REDIS_URL?)`);
  }
  if (redis) await stopProcess(redis);
}

/** Starts the harness's Redis again on the same port (empty data) and waits until it answers PING. */
export async function startRedis(): Promise<void> {
  if (!canControlRedis()) {
    throw new Error(`${LOG_PREFIX} startRedis(): Redis was not started by the test harness (external TEST_REDIS_URL?)`);
  }
  if (redis && !redis.hasExited) return;
  await spawnRedis();
}
