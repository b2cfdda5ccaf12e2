/**
 * Login per second with each password hash (PASSWORD_HASH=bcrypt at BCRYPT_COST, argon2id at
 * its default parameters, OWASP's minimum), each against its raw hash function at the same
 * parameters in the same run: an embedded client-auth server under ghz, measured between two
 * runs of bcrypt-baseline.ts or argon2id-baseline.ts on the same core, against their mean
 * (the machines are shared, so a load that comes and goes falls on both sides). The raw
 * function runs one hash at a time, as the server's hashing queue does on one core
 * (HASH_CONCURRENCY=1): eight argon2id hashes at once on one core each hold 19 MiB and evict
 * each other's memory from the caches, which would flatter the server. The embedded set-up, so only
 * the hash and the handler are compared (the shared set-up's bcrypt figure is in the main run).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { prepareUser } from './bench-user.js';
import { num, ratio } from './format.js';
import { ghz, type LoadFigures } from './load-generators.js';
import { type NodeChild, runNodeChild, SERVER_CPU, startNodeChild } from './processes.js';

export type HashAlgorithm = 'bcrypt' | 'argon2id';

/** What each algorithm is measured at: BCRYPT_COST as the main run's Login, argon2id at its defaults. */
export const HASH_PARAMETERS = { bcrypt: { cost: 10 }, argon2id: { memoryKib: 19456, iterations: 2, parallelism: 1 } } as const;
const LOAD = { inFlight: 8, warmUpSeconds: 1, seconds: 10 };
/** Hashes at once, in the server (its queue) and in the raw baseline alike. */
const HASHES_AT_ONCE = 1;

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
    const rawRun = (round: number) => {
      run.say(`raw ${rawName(algorithm)} on CPU ${SERVER_CPU}, ${describe(algorithm)}, ${HASHES_AT_ONCE} at a time (${round} of 2)`);
      return runNodeChild<{ perSecond: number; mismatches: number }>(
        SERVER_CPU,
        path.join(run.distDir, `${algorithm}-baseline.js`),
        [JSON.stringify({ ...HASH_PARAMETERS[algorithm], password: 'a bench password', ...LOAD, inFlight: HASHES_AT_ONCE })],
        { readyTimeoutMs: (LOAD.warmUpSeconds + LOAD.seconds + 60) * 1000, outputFile: path.join(run.workDir, `${algorithm}-baseline-${round}.log`) },
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
        PASSWORD_HASH: algorithm,
        HASH_CONCURRENCY: String(HASHES_AT_ONCE),
        BCRYPT_COST: String(HASH_PARAMETERS.bcrypt.cost),
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
    `Login by password hash, embedded set-up, ${LOAD.inFlight} in flight, ${HASHES_AT_ONCE} hash at a time (HASH_CONCURRENCY), both on CPU ${SERVER_CPU}, ${LOAD.seconds} s after ${LOAD.warmUpSeconds} s warm-up`,
  ];
  lines.push(row('', 'per second', 'p50', 'p99'));
  for (const { algorithm, login, raw } of figures) {
    lines.push(
      row(`  Login, PASSWORD_HASH=${algorithm} (${describe(algorithm)})`, num(login.perSecond), `${login.p50Ms.toFixed(1)} ms`, `${login.p99Ms.toFixed(1)} ms`),
    );
    lines.push(row(`  raw ${rawName(algorithm)}, ${HASHES_AT_ONCE} at a time (mean of 2)`, num(raw.perSecond), '', ''));
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
