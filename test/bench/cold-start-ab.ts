/**
 * A/B probe of the cold start (issue #33): alternates cold starts of two builds' main.js
 * (A and B), on the shared set-up or the embedded default, each pinned to the server core,
 * and prints, per start, the time to the first served GET /me, the log lines' times from
 * spawn, and the RSS right after that first answer.
 *
 *   node dist/test/bench/cold-start-ab.js --a=DIR/dist/src/main.js --b=dist/src/main.js
 *        [--set-up=shared|embedded] [--pairs=5] [--flags-a='--cpu-prof ...'] [--env-b='COMPILE_CACHE_DIR=/tmp/cc ...']
 *
 * Both builds must be complete trees (package.json, templates and node_modules beside dist);
 * A, the older, registers the user the starts are asked for.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';
import { mochaGlobalSetup, mochaGlobalTeardown } from '../support/global-setup.js';
import { freePort } from '../support/paths.js';
import { pollFirstServed } from './first-served.js';
import { cpuSeconds, memoryMb } from './http-load.js';
import { startMainProcess } from './main-process.js';
import { LOAD_CPU, pinSelf } from './processes.js';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split(/=(.*)/s).slice(0, 2) as [string, string]));
const scripts = { A: path.resolve(args.get('a') ?? 'dist/src/main.js'), B: path.resolve(args.get('b') ?? 'dist/src/main.js') };
const flags = { A: (args.get('flags-a') ?? '').split(' ').filter(Boolean), B: (args.get('flags-b') ?? '').split(' ').filter(Boolean) };
/** Variables one side starts with beyond the common ones (`NAME=value`, space-separated): the same build with and without a setting. */
const extraEnv = (spec: string | undefined): Record<string, string> =>
  Object.fromEntries(
    (spec ?? '')
      .split(' ')
      .filter(Boolean)
      .map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
const envs = { A: extraEnv(args.get('env-a')), B: extraEnv(args.get('env-b')) };
const setUp = args.get('set-up') ?? 'shared';
const pairs = Number(args.get('pairs') ?? 5);

interface Start {
  totalMs: number;
  /** The server's CPU (user + system) until its first GET /me was answered: moves far less with the machine's load than the wall time. */
  cpuMs: number;
  rssMb: number;
  /** The startup probe's memory at exit, right after the first answer (startup-probe.ts). */
  memory: unknown;
  lines: Array<[number, string]>;
}

async function coldStart(script: string, nodeFlags: string[], env: Record<string, string>, token: string, logFile: string): Promise<Start> {
  const port = await freePort();
  let rssMb = 0;
  let cpuMs = 0;
  let pid = 0;
  const firstServed = pollFirstServed(`http://127.0.0.1:${port}/me`, token, () => {
    if (pid) {
      rssMb = memoryMb(pid).rss;
      cpuMs = cpuSeconds(pid) * 1000;
    }
  });
  const probe = pathToFileURL(path.join(import.meta.dirname, 'startup-probe.js')).href;
  const main = await startMainProcess(env, { logFile, bridgePort: port, script, nodeFlags: ['--import', probe, ...nodeFlags] });
  pid = main.pid;
  const servedAt = await firstServed.until(20_000);
  // Served before startMainProcess returned (it waits for /healthz): read now, a few milliseconds later.
  if (rssMb === 0) rssMb = memoryMb(pid).rss;
  if (cpuMs === 0) cpuMs = cpuSeconds(pid) * 1000;
  const { stderr } = await main.stop();
  if (servedAt === 0) throw new Error('no GET /me served');
  const probeLine = stderr.split('\n').find((line) => line.startsWith('startup-probe:'));
  return {
    totalMs: servedAt - main.spawnedAt,
    cpuMs,
    rssMb,
    memory: probeLine ? (JSON.parse(probeLine.slice('startup-probe:'.length)) as { memory: unknown }).memory : null,
    lines: main.lines.map((line) => [Number(line['time']) - main.spawnedAt, String(line['msg']).slice(0, 60)]),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function run(): Promise<void> {
  pinSelf(LOAD_CPU);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-start-ab-'));
  const base = {
    JWT_SECRET_KEY: randomBytes(48).toString('base64url'),
    BCRYPT_COST: '10',
    LOG_LEVEL: 'info',
    GRPC_HOST: '127.0.0.1',
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_CALL_TIMEOUT_MS: '30000',
  };
  let env: Record<string, string>;
  if (setUp === 'shared') {
    await mochaGlobalSetup();
    env = { ...base, MONGODB_URI: process.env['TEST_MONGODB_URI']!, REDIS_URL: process.env['TEST_REDIS_URL']!, DB_NAME: `cold_ab_${Date.now().toString(36)}` };
  } else {
    env = { ...base, DATA_DIR: path.join(workDir, 'data') };
  }
  // The user is registered by the older of the two builds (A): a newer one may migrate DATA_DIR past what A reads.
  const setUpRun = await startMainProcess(env, { logFile: path.join(workDir, 'running.log'), script: scripts.A });
  const api = createClientAuthClient(`127.0.0.1:${setUpRun.grpcPort}`, { deadlineMs: 10_000 });
  const password = `bench-${randomBytes(12).toString('base64url')}`;
  const email = `cold-${Date.now().toString(36)}@example.com`;
  await api.registerUser({ email, password, firstName: 'Bench', lastName: 'User', phoneNumber: '', attributes: {} });
  const running = { token: (await api.login({ email, password })).accessToken };
  api.close();
  await setUpRun.stop();
  const results: Record<'A' | 'B', Start[]> = { A: [], B: [] };
  try {
    for (let pair = 0; pair < pairs; pair++) {
      for (const which of pair % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
        const start = await coldStart(scripts[which], flags[which], { ...env, ...envs[which] }, running.token, path.join(workDir, `cold-${which}.log`));
        results[which].push(start);
        process.stdout.write(`pair ${pair} ${which}: ${start.totalMs} ms, CPU ${start.cpuMs.toFixed(0)} ms, RSS ${start.rssMb.toFixed(1)} MB\n`);
        process.stdout.write(`    memory at exit: ${JSON.stringify(start.memory)}\n`);
        for (const [at, msg] of start.lines) process.stdout.write(`    ${String(at).padStart(5)} ${msg}\n`);
      }
    }
  } finally {
    if (setUp === 'shared') await mochaGlobalTeardown();
  }
  for (const which of ['A', 'B'] as const) {
    const totals = results[which].map((start) => start.totalMs);
    const rss = results[which].map((start) => start.rssMb);
    const cpu = results[which].map((start) => start.cpuMs);
    process.stdout.write(
      `${which}: ${totals.join(' / ')} ms, median ${median(totals)}; CPU ${cpu.map((x) => x.toFixed(0)).join(' / ')} ms, median ${median(cpu).toFixed(0)}; RSS ${rss.map((x) => x.toFixed(1)).join(' / ')} MB, median ${median(rss).toFixed(1)}\n`,
    );
  }
  const ratios = results.A.map((a, i) => (results.B[i]!.totalMs / a.totalMs).toFixed(2));
  const cpuRatios = results.A.map((a, i) => (results.B[i]!.cpuMs / a.cpuMs).toFixed(2));
  process.stdout.write(`B/A per pair: wall ${ratios.join(' ')}; CPU ${cpuRatios.join(' ')}\n`);
}

await run();
process.exit(0);
