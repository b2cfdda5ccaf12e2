/**
 * The redis-server started for the test run, and the means to stop and restart it for
 * outage tests.
 *
 * Not usable with `mocha --parallel`: stopRedis()/startRedis() act on the process handle
 * kept in this module, which only exists in the main process.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { LOG_PREFIX, log, type Managed, makeTempDir, spawnLogged, stopProcess, waitReady } from './managed-process.js';
import { executableFromEnv, findExecutable, freePort } from './paths.js';

let redis: Managed | undefined;
/** Binary, port and directory of the Redis started here; kept so startRedis() reuses them. */
let started: { bin: string; port: number; dir: string } | undefined;

function redisBinary(): string {
  const bin = executableFromEnv('REDIS_SERVER_BIN') ?? findExecutable('redis-server');
  if (!bin) {
    throw new Error(
      'redis-server not found on PATH; install it with `apt-get install -y redis-server` ' +
        '(.ci/run does this too), or set REDIS_SERVER_BIN, or set TEST_REDIS_URL to an existing Redis.',
    );
  }
  return bin;
}

/** Sends an inline PING over a raw socket; true when the answer starts with one of `answers` ("+PONG"). */
export function redisPing(port: number, host = '127.0.0.1', timeoutMs = 1000, answers: readonly string[] = ['+PONG']): Promise<boolean> {
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
      if (buf.includes('\r\n')) finish(answers.some((answer) => buf.startsWith(answer)));
    });
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(false));
  });
}

async function spawnRedis(): Promise<void> {
  if (started === undefined) throw new Error('Redis was not started by the test harness');
  const { bin, port, dir } = started;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  redis = spawnLogged('Redis', bin, args, port, path.join(dir, 'redis.log'));
  await waitReady(redis, () => redisPing(port));
}

/** Starts redis-server on a free loopback port, without persistence; returns its URL. */
export async function startRedisService(): Promise<string> {
  started = { bin: redisBinary(), port: await freePort(), dir: makeTempDir('client-auth-redis-') };
  await spawnRedis();
  const url = `redis://127.0.0.1:${started.port}`;
  log(`Redis running at ${url} (pid ${redis!.proc.pid}, dir ${started.dir})`);
  return url;
}

/** Forgets the Redis started here, once the run's processes are stopped. */
export function forgetRedis(): void {
  redis = undefined;
  started = undefined;
}

/** True when Redis was started by this harness (so stopRedis/startRedis can be used). */
export function canControlRedis(): boolean {
  return started !== undefined;
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
