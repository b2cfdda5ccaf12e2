/**
 * The admin console's list and search pages (`npm run bench -- --console-only`): the server
 * time of GET /admin/clients on `main.js` (service and bridge in one process, pinned to the
 * server core) over many clients, on the embedded set-up (SQLite) and the shared one
 * (FerretDB + Redis), with the load on the other core.
 *
 * The clients are written straight into the store through its adapter (SqliteClientStore in
 * one transaction, MongoClientStore a batch at a time), not registered: registration would
 * spend the run hashing passwords. Then, for each page, the runner (on the load core) asks
 * for it one request at a time over a kept-alive connection, with the admin's access
 * cookie: the time of a request is the server's without queueing (the loopback and the
 * runner's fetch add well under a millisecond), and the server process's CPU time is
 * divided by the requests. Not h2load: on FerretDB one page can take longer than its stall
 * timeout.
 *
 *   first page            /admin/clients                           (50 clients, by id)
 *   a later page          /admin/clients?page=<cursor at the middle>
 *   email prefix search   /admin/clients?email=person4242          (11 matches at 100,000)
 *   kind + suspended      /admin/clients?kind=user&suspended=yes   (about 2 %)
 *   group                 /admin/clients?group=ops                 (10 %)
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { SqliteClientStore } from '../../src/adapters/embedded/sqlite-client-store.js';
import { openSqliteDatabase } from '../../src/adapters/embedded/sqlite-database.js';
import { MongoClientStore } from '../../src/adapters/mongo/client-store.js';
import type { ClientStore } from '../../src/domain/clients/ports.js';
import type { ClientRecord } from '../../src/domain/kernel/client.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { encodePageToken } from '../../src/domain/kernel/page-token.js';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';
import { num } from './format.js';
import { cpuSeconds } from './http-load.js';
import { percentile } from './load-generators.js';
import { type MainProcess, startMainProcess } from './main-process.js';
import { LOAD_CPU, SERVER_CPU } from './processes.js';

/** The sizes (#29): 100,000 clients embedded, 10,000 on FerretDB. `--console-clients=E,S` changes them. */
export const CONSOLE_CLIENTS = { embedded: 100_000, shared: 10_000 };
/**
 * Per page: a few requests to warm up, then one request at a time (a person at a console
 * does not send in parallel) for `seconds`, and at least `minRequests` however slow they are.
 */
export const CONSOLE_BENCH = { warmUpRequests: 3, seconds: 5, minRequests: 10 };
const ADMIN = { email: 'console-bench-admin@example.com', password: `bench-admin-${randomBytes(9).toString('base64url')}` };
/** A bcrypt-shaped hash no password matches: the seeded clients never sign in. */
const NO_PASSWORD = `$2b$10$${'x'.repeat(53)}`;
/** Inserts in flight at once on FerretDB. */
const MONGO_BATCH = 100;

export type ConsoleSetUp = 'embedded' | 'shared';

export interface ConsolePageFigures {
  label: string;
  path: string;
  /** Clients on the page, as the page showed them before the run. */
  rows: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
}

export interface ConsoleSetUpFigures {
  setUp: ConsoleSetUp;
  clients: number;
  seedSeconds: number;
  pages: ConsolePageFigures[];
}

export interface ConsoleBenchContext {
  workDir: string;
  logLevel: string;
  counts: { embedded: number; shared: number };
  /** FerretDB and Redis; null skips the shared set-up. */
  services: { mongoUri: string; redisUrl: string } | null;
  say(line: string): void;
}

export async function measureConsole(context: ConsoleBenchContext): Promise<ConsoleSetUpFigures[]> {
  const results = [await measureSetUp(context, 'embedded', context.counts.embedded)];
  if (context.services) results.push(await measureSetUp(context, 'shared', context.counts.shared));
  return results;
}

async function measureSetUp(context: ConsoleBenchContext, setUp: ConsoleSetUp, count: number): Promise<ConsoleSetUpFigures> {
  const { say, workDir } = context;
  const env = environment(context, setUp);
  say(`console, ${setUp}: writing ${num(count)} clients through the store's adapter`);
  const started = Date.now();
  const ids = setUp === 'embedded' ? await seedSqlite(env['DATA_DIR']!, count) : await seedMongo(context.services!.mongoUri, env['DB_NAME']!, count);
  const seedSeconds = (Date.now() - started) / 1000;
  say(`console, ${setUp}: node dist/src/main.js on CPU ${SERVER_CPU}, requests from CPU ${LOAD_CPU}`);
  const main = await startMainProcess(env, { logFile: path.join(workDir, `console-${setUp}.log`), readyTimeoutMs: 120_000 });
  try {
    const cookie = `token=${await adminToken(main)}`;
    const bridgeUrl = `http://127.0.0.1:${main.bridgePort}`;
    const pages: ConsolePageFigures[] = [];
    for (const [label, pagePath] of [
      ['first page', '/admin/clients'],
      ['a later page (cursor)', `/admin/clients?page=${encodePageToken(ids[Math.floor(ids.length / 2)]!)}`],
      ['email prefix search', '/admin/clients?email=person4242'],
      ['kind + suspended', '/admin/clients?kind=user&suspended=yes'],
      ['group', '/admin/clients?group=ops'],
    ] as const) {
      const url = `${bridgeUrl}${pagePath}`;
      const check = await fetch(url, { headers: { cookie } });
      const body = await check.text();
      if (check.status !== 200) throw new Error(`GET ${pagePath} answered ${check.status}: ${body.slice(0, 300)}`);
      const rows = body.match(/<th scope="row">/g)?.length ?? 0;
      say(`  ${label}: ${pagePath} (${rows} clients on the page)`);
      pages.push({ label, path: pagePath, rows, ...(await timePage(url, cookie, main.pid)) });
    }
    return { setUp, clients: count, seedSeconds, pages };
  } finally {
    await main.stop();
  }
}

function environment(context: ConsoleBenchContext, setUp: ConsoleSetUp): Record<string, string> {
  const common = {
    JWT_ALGORITHM: 'ES256',
    // The bench's access cookie must outlive the run.
    JWT_TOKEN_EXP_MIN: '60',
    BCRYPT_COST: '10',
    KEY_ENCRYPTION_KEY: randomBytes(48).toString('base64url'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: context.logLevel,
    GRPC_HOST: '127.0.0.1',
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_CALL_TIMEOUT_MS: '30000',
  };
  if (setUp === 'embedded') {
    const dataDir = path.join(context.workDir, 'console-embedded-data');
    fs.mkdirSync(dataDir, { recursive: true });
    return { ...common, DATA_DIR: dataDir };
  }
  const { mongoUri, redisUrl } = context.services!;
  return { ...common, MONGODB_URI: mongoUri, REDIS_URL: redisUrl, DB_NAME: `bench_console_${Date.now().toString(36)}` };
}

/** The i-th seeded client: 1 in 20 a service, 1 in 50 suspended, 1 in 10 in "ops", every other one verified. */
function seededClient(i: number, id: string, at: Date): ClientRecord {
  const service = i % 20 === 0;
  const base = service ? 'service' : 'user';
  return {
    id,
    kind: base,
    email: `person${i}@example.org`,
    firstName: service ? '' : 'Ada',
    lastName: service ? '' : `Person ${i}`,
    phoneNumber: '',
    name: service ? `Service ${i}` : '',
    groups: i % 10 === 3 ? [base, 'ops'] : [base],
    attributes: {},
    passwordHash: service ? null : NO_PASSWORD,
    secretHash: service ? NO_PASSWORD : null,
    suspended: i % 50 === 1,
    suspensionReason: i % 50 === 1 ? 'bench' : '',
    suspendedAt: i % 50 === 1 ? at : null,
    suspendedBy: '',
    createdAt: at,
    updatedAt: at,
    emailVerifiedAt: i % 2 === 0 ? at : null,
    lastTokenIssuedAt: null,
  };
}

/** Ids in creation order, one millisecond apart, ending a little before now. */
function seededIds(count: number): string[] {
  const start = Date.now() - count - 60_000;
  return Array.from({ length: count }, (_, i) => newId(start + i));
}

async function seedSqlite(dataDir: string, count: number): Promise<string[]> {
  const db = openSqliteDatabase(dataDir);
  try {
    const store: ClientStore = new SqliteClientStore(db);
    const ids = seededIds(count);
    const at = new Date();
    // One transaction: a commit per client would be an fsync per client.
    db.exec('BEGIN');
    for (let i = 0; i < count; i++) await store.insert(seededClient(i, ids[i]!, at));
    db.exec('COMMIT');
    return ids;
  } finally {
    db.close();
  }
}

async function seedMongo(mongoUri: string, dbName: string, count: number): Promise<string[]> {
  const client = new MongoClient(mongoUri, { retryWrites: false });
  await client.connect();
  try {
    const store = new MongoClientStore(client.db(dbName));
    await store.ensureIndexes();
    const ids = seededIds(count);
    const at = new Date();
    for (let from = 0; from < count; from += MONGO_BATCH) {
      const batch = ids.slice(from, from + MONGO_BATCH);
      await Promise.all(batch.map((id, offset) => store.insert(seededClient(from + offset, id, at))));
    }
    return ids;
  } finally {
    await client.close();
  }
}

/** Times GET `url` one request at a time; any answer but 200 stops the run. */
async function timePage(url: string, cookie: string, pid: number): Promise<Omit<ConsolePageFigures, 'label' | 'path' | 'rows'>> {
  const get = async () => {
    const response = await fetch(url, { headers: { cookie } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status} during the run`);
  };
  for (let i = 0; i < CONSOLE_BENCH.warmUpRequests; i++) await get();
  const latenciesMs: number[] = [];
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  while (performance.now() - started < CONSOLE_BENCH.seconds * 1000 || latenciesMs.length < CONSOLE_BENCH.minRequests) {
    const sent = performance.now();
    await get();
    latenciesMs.push(performance.now() - sent);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  return {
    requests: latenciesMs.length,
    perSecond: latenciesMs.length / seconds,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    cpuMsPerRequest: (cpu * 1000) / latenciesMs.length,
  };
}

async function adminToken(main: MainProcess): Promise<string> {
  const api = createClientAuthClient(`127.0.0.1:${main.grpcPort}`, { deadlineMs: 30_000 });
  try {
    return (await api.login(ADMIN)).accessToken;
  } finally {
    api.close();
  }
}

export function consoleReport(results: ConsoleSetUpFigures[], row: (label: string, a: string, b: string, c: string) => string): string[] {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(
      '',
      `Console list and search pages, ${result.setUp} set-up, ${num(result.clients)} clients (written in ${result.seedSeconds.toFixed(1)} s), ` +
        `main.js on CPU ${SERVER_CPU}, one request at a time from CPU ${LOAD_CPU}`,
      row('', 'per second', 'p50', 'p99'),
    );
    for (const page of result.pages) {
      lines.push(row(`  ${page.label}`, num(page.perSecond), ` ${num(page.p50Ms)} ms`, ` ${num(page.p99Ms)} ms`));
      lines.push(
        `    ${page.path}: ${page.rows} clients on the page, ${page.requests} requests, ${page.cpuMsPerRequest.toFixed(1)} ms of server CPU a request`,
      );
    }
  }
  return lines;
}
