/**
 * Login per second with each password hash (PASSWORD_HASH=bcrypt at BCRYPT_COST, argon2id at
 * its default parameters, OWASP's minimum), each against its raw hash function at the same
 * parameters in the same run: an embedded client-auth server under ghz, measured between two
 * runs of bcrypt-baseline.ts or argon2id-baseline.ts on the same core, against their mean
 * (the machines are shared, so a load that comes and goes falls on both sides). The raw
 * function runs as the service runs its hashes: the service's default HASH_CONCURRENCY on
 * this machine at once, on a libuv thread pool of the same size (hashRunPlan), so that
 * "Login ÷ raw hash" reads as the service's overhead and lies a little below 1. The
 * embedded set-up, so only the hash and the handler are compared (the shared set-up's bcrypt
 * figure is in the main run).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { defaultHashConcurrency } from '../../src/config/limits.js';
import { prepareUser } from './bench-user.js';
import { num, ratio } from './format.js';
import { ghz, type LoadFigures } from './load-generators.js';
import { type NodeChild, runNodeChild, SERVER_CPU, startNodeChild } from './processes.js';

export type HashAlgorithm = 'bcrypt' | 'argon2id';

/** What each algorithm is measured at: BCRYPT_COST as the main run's Login, argon2id at its defaults. */
export const HASH_PARAMETERS = { bcrypt: { cost: 10 }, argon2id: { memoryKib: 19456, iterations: 2, parallelism: 1 } } as const;
const LOAD = { inFlight: 8, warmUpSeconds: 1, seconds: 10 };
/** libuv's thread pool when UV_THREADPOOL_SIZE is not set. */
const LIBUV_DEFAULT_POOL = 4;

/** How the hashes are run, by the server and by its raw baseline alike. */
export interface HashingLoad {
  /** Hashes at once: the server's HASH_CONCURRENCY, the raw baseline's hashes in flight. */
  hashesAtOnce: number;
  /** Threads of libuv's pool, on which bcrypt and @node-rs/argon2 hash: UV_THREADPOOL_SIZE of both. */
  threadPoolSize: number;
}

/**
 * The service's own defaults on this machine, as an operator runs it: HASH_CONCURRENCY of one
 * hash per core (at most 4), on libuv's pool (4 threads unless UV_THREADPOOL_SIZE says
 * otherwise). Decided here, before the runner pins anything: a process pinned to one core
 * would count one.
 */
export const HASHING: HashingLoad = {
  hashesAtOnce: defaultHashConcurrency(),
  threadPoolSize: Number(process.env['UV_THREADPOOL_SIZE']) || LIBUV_DEFAULT_POOL,
};

/**
 * What the server is started with, and how its raw baseline runs, for `algorithm` under
 * `load`: the same number of hashes at once on a thread pool of the same size, so that
 * "Login ÷ raw hash" is what the service adds (the queue, the handler, the store, gRPC).
 */
export function hashRunPlan(algorithm: HashAlgorithm, load: HashingLoad = HASHING) {
  const pool = { UV_THREADPOOL_SIZE: String(load.threadPoolSize) };
  return {
    serverEnv: {
      PASSWORD_HASH: algorithm,
      HASH_CONCURRENCY: String(load.hashesAtOnce),
      BCRYPT_COST: String(HASH_PARAMETERS.bcrypt.cost),
      ...pool,
    } as Record<string, string>,
    raw: {
      settings: { ...HASH_PARAMETERS[algorithm], password: 'a bench password', ...LOAD, inFlight: load.hashesAtOnce },
      env: pool as Record<string, string>,
    },
  };
}

export interface PasswordHashFigures {
  algorithm: HashAlgorithm;
  login: LoadFigures & { statuses: Record<string, number> };
  raw: { perSecond: number; mismatches: number };
}

export interface PasswordHashRun {
  algorithms: readonly HashAlgorithm[];
  ghz: string;
  root: string;
  distDir: string;
  workDir: string;
  children: NodeChild[];
  logLevel: string;
  say: (line: string) => void;
}

export async function measurePasswordHashes(run: PasswordHashRun): Promise<PasswordHashFigures[]> {
  const figures: PasswordHashFigures[] = [];
  for (const algorithm of run.algorithms) {
    const plan = hashRunPlan(algorithm);
    const rawRun = (round: number) => {
      run.say(
        `raw ${rawName(algorithm)} on CPU ${SERVER_CPU}, ${describe(algorithm)}, ${HASHING.hashesAtOnce} at a time on ${HASHING.threadPoolSize} libuv threads (${round} of 2)`,
      );
      return runNodeChild<{ perSecond: number; mismatches: number }>(
        SERVER_CPU,
        path.join(run.distDir, `${algorithm}-baseline.js`),
        [JSON.stringify(plan.raw.settings)],
        {
          readyTimeoutMs: (LOAD.warmUpSeconds + LOAD.seconds + 60) * 1000,
          outputFile: path.join(run.workDir, `${algorithm}-baseline-${round}.log`),
          env: plan.raw.env,
        },
      );
    };
    const before = await rawRun(1);
    run.say(
      `Login (embedded, PASSWORD_HASH=${algorithm}, ${describe(algorithm)}) with ghz, ${LOAD.inFlight} in flight, ${LOAD.warmUpSeconds} s warm-up + ${LOAD.seconds} s`,
    );
    const server = startNodeChild(SERVER_CPU, path.join(run.distDir, 'client-auth-server.js'), [], {
      readyTimeoutMs: 60_000,
      outputFile: path.join(run.workDir, `client-auth-${algorithm}.log`),
      env: {
        ...plan.serverEnv,
        DATA_DIR: path.join(run.workDir, `hash-${algorithm}-data`),
        KEY_ENCRYPTION_KEY: randomBytes(48).toString('base64url'),
        JWT_ALGORITHM: 'ES256',
        LOG_LEVEL: run.logLevel,
        GRPC_HOST: '127.0.0.1',
        GRPC_PORT: '0',
      },
    });
    run.children.push(server);
    const address = `127.0.0.1:${(await server.ready)['port']}`;
    const user = await prepareUser(address);
    const login = await ghz({
      ghz: run.ghz,
      address,
      protoFile: path.join(run.root, 'proto', 'clientauth', 'v1', 'client_auth.proto'),
      importPath: path.join(run.root, 'proto'),
      call: 'clientauth.v1.ClientAuth.Login',
      data: { email: user.email, password: user.password },
      concurrency: LOAD.inFlight,
      warmUpSeconds: LOAD.warmUpSeconds,
      seconds: LOAD.seconds,
    });
    await server.stop();
    const after = await rawRun(2);
    const raw = { perSecond: (before.perSecond + after.perSecond) / 2, mismatches: before.mismatches + after.mismatches };
    figures.push({ algorithm, login, raw });
  }
  return figures;
}

export function passwordHashReport(figures: readonly PasswordHashFigures[], row: (label: string, a: string, b: string, c: string) => string): string[] {
  const lines = [
    '',
    `Login by password hash, embedded set-up, ${LOAD.inFlight} in flight, ${HASHING.hashesAtOnce} hashes at a time (HASH_CONCURRENCY, the service's default here) on ${HASHING.threadPoolSize} libuv threads, both on CPU ${SERVER_CPU}, ${LOAD.seconds} s after ${LOAD.warmUpSeconds} s warm-up`,
  ];
  lines.push(row('', 'per second', 'p50', 'p99'));
  for (const { algorithm, login, raw } of figures) {
    lines.push(
      row(`  Login, PASSWORD_HASH=${algorithm} (${describe(algorithm)})`, num(login.perSecond), `${login.p50Ms.toFixed(1)} ms`, `${login.p99Ms.toFixed(1)} ms`),
    );
    lines.push(row(`  raw ${rawName(algorithm)}, ${HASHING.hashesAtOnce} at a time (mean of 2)`, num(raw.perSecond), '', ''));
    lines.push(row(`  Login / ${rawName(algorithm)}`, ratio(login.perSecond / raw.perSecond), '', ''));
    const statuses = Object.entries(login.statuses)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    lines.push(`  ghz statuses, ${algorithm}: ${statuses}${raw.mismatches > 0 ? `; raw mismatches: ${raw.mismatches}` : ''}`);
  }
  return lines;
}

function describe(algorithm: HashAlgorithm): string {
  if (algorithm === 'bcrypt') return `cost ${HASH_PARAMETERS.bcrypt.cost}`;
  const { memoryKib, iterations, parallelism } = HASH_PARAMETERS.argon2id;
  return `m=${memoryKib},t=${iterations},p=${parallelism}`;
}

function rawName(algorithm: HashAlgorithm): string {
  return algorithm === 'bcrypt' ? 'bcrypt.compare' : 'argon2 verify';
}
