/**
 * The shared set-up's user-facing paths (issue #33), alone with `npm run bench --
 * --shared-paths`: `node dist/src/main.js` on FerretDB and Redis, pinned to the server core,
 * and for each path the figures its goals read:
 *
 *   GET /me (bridge, 64 connections) and GetMe (gRPC, 64 streams)   alternating rounds
 *   IssueServiceToken (client credentials, 8 in flight)
 *   POST /refresh (bridge) and RefreshToken (gRPC), 16 chained sessions each
 *
 * each with its throughput, p99 and the server's CPU time per request, the round trips
 * each request made to FerretDB and to Redis as the stores count them (serverStatus's
 * command counters, INFO commandstats: no load, so no noise), the RSS at ready and its
 * high-water mark after each phase, and the cold start to the first served GET /me.
 * Throughput moves with whatever else the machine runs; CPU per request and round trips
 * are the figures to compare between runs on a shared machine.
 */
import * as path from 'node:path';
import { IssueServiceTokenRequest } from '../../gen/clientauth/v1/client_auth.js';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';
import { repoRoot } from '../support/paths.js';
import { coldStart, measured, type Running, refreshRun, type Side, side, startRunning } from './browser-path.js';
import { int, ms, num } from './format.js';
import type { HttpLoadResult } from './http-load.js';
import { memoryMb } from './http-load.js';
import { startMainProcess } from './main-process.js';
import { runNodeChild, SERVER_CPU } from './processes.js';
import type { RoundTripFloor } from './round-trip-floor.js';
import { type RoundTrips, storeCounters } from './store-counters.js';

const ME = { inFlight: 64, rounds: 3, warmUpSeconds: 1, seconds: 3 };
const SERVICE_TOKEN = { inFlight: 8, rounds: 2, warmUpSeconds: 1, seconds: 3 };
const REFRESH_ROUNDS = 2;
const COLD_STARTS = 3;
const FLOOR = { calls: 1000, rounds: 2 };
/** Sequential requests per path for the round-trip count. */
const COUNTED = 50;
const ADMIN = { email: 'bench-shared-admin@example.com', password: `bench-admin-${Math.random().toString(36).slice(2)}-Aa1!` };

/** The goals of issue #33 for the shared set-up. */
export const SHARED_GOALS = {
  meCpuMs: 0.12,
  mePerSecond: 7000,
  meP99Ms: 31,
  refreshCpuMs: 0.6,
  refreshBridgePerSecond: 700,
  serviceTokenCpuMs: 0.25,
  peakMb: 130,
  readyMb: 70,
  coldStartMs: 300,
};

export interface SharedPathFigures {
  me: { bridge: Side; grpc: Side };
  serviceToken: Side;
  refresh: { bridge: Side; grpc: Side };
  roundTrips: Record<'me' | 'getMe' | 'serviceToken' | 'refresh', RoundTrips>;
  memory: { readyMb: number; peakAfter: { me: number; serviceToken: number; refresh: number } };
  coldStartsMs: number[];
  /** CPU µs of one awaited round trip from a bare Node process on the server's core (round-trip-floor.ts). */
  floor: RoundTripFloor;
}

export async function measureSharedPaths(
  options: { logLevel: string; cpuProfile: boolean },
  services: { mongoUri: string; redisUrl: string },
  workDir: string,
  say: (line: string) => void,
): Promise<SharedPathFigures> {
  const env = {
    JWT_SECRET_KEY: `bench-${Math.random().toString(36).slice(2)}-${Date.now()}-secret-of-some-length`,
    BCRYPT_COST: '10',
    LOG_LEVEL: options.logLevel,
    GRPC_HOST: '127.0.0.1',
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_CALL_TIMEOUT_MS: '30000',
    MONGODB_URI: services.mongoUri,
    REDIS_URL: services.redisUrl,
    DB_NAME: `bench_shared_${Date.now().toString(36)}`,
  };
  const profileDir = path.join(repoRoot(), '.cache', 'bench-profiles');
  const nodeFlags = options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  say('shared paths: node dist/src/main.js on FerretDB + Redis, CPU 0; load, FerretDB and Redis on CPU 1');
  const credentials = await serviceCredentials(env, workDir);
  const running = await startRunning(env, path.join(workDir, 'main-shared-paths.log'), nodeFlags);
  const counters = storeCounters(services);
  let figures: Omit<SharedPathFigures, 'coldStartsMs' | 'floor'>;
  try {
    figures = await measurePaths(running, credentials, workDir, counters, say);
  } finally {
    await running.main.stop();
    await counters.close();
  }
  say(`  what a round trip costs a bare Node process on the server's core, ${FLOOR.rounds} rounds of ${FLOOR.calls} calls`);
  const floor = await runNodeChild<RoundTripFloor>(
    SERVER_CPU,
    path.join(repoRoot(), 'dist', 'test', 'bench', 'round-trip-floor.js'),
    [JSON.stringify({ ...services, dbName: `${env.DB_NAME}_floor`, ...FLOOR })],
    { readyTimeoutMs: 120_000, outputFile: path.join(workDir, 'round-trip-floor.log') },
  );
  say(`  cold start to the first served GET /me, ${COLD_STARTS} times`);
  const coldStartsMs: number[] = [];
  for (let run = 0; run < COLD_STARTS; run++) coldStartsMs.push((await coldStart(env, running.token, path.join(workDir, 'cold-shared.log'))).totalMs);
  return { ...figures, coldStartsMs, floor };
}

/**
 * A service client's id and secret, registered by an admin on an instance of its own: an
 * instance started with ADMIN_EMAIL checks the admin's password at start, which loads the
 * strength estimator's dictionaries, and its RSS at ready would not be the service's.
 */
async function serviceCredentials(env: Record<string, string>, workDir: string): Promise<{ clientId: string; clientSecret: string }> {
  const setUp = await startMainProcess(
    { ...env, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
    { logFile: path.join(workDir, 'main-shared-admin.log') },
  );
  const api = createClientAuthClient(`127.0.0.1:${setUp.grpcPort}`, { deadlineMs: 10_000 });
  try {
    const adminToken = (await api.login(ADMIN)).accessToken;
    const service = await api.registerService(
      { email: `bench-service-${Date.now().toString(36)}@example.com`, name: 'bench', groups: [] },
      { token: adminToken },
    );
    return { clientId: service.client!.id, clientSecret: service.clientSecret };
  } finally {
    api.close();
    await setUp.stop();
  }
}

async function measurePaths(
  running: Running,
  credentials: { clientId: string; clientSecret: string },
  workDir: string,
  counters: ReturnType<typeof storeCounters>,
  say: (line: string) => void,
): Promise<Omit<SharedPathFigures, 'coldStartsMs' | 'floor'>> {
  const pid = running.main.pid;
  const api = createClientAuthClient(running.grpcAddress, { deadlineMs: 10_000 });
  try {
    say(`  round trips to the stores, ${COUNTED} sequential requests of each path`);
    const roundTrips = {
      me: await counters.perRequest(COUNTED, () => fetchOk(`${running.bridgeUrl}/me`, { cookie: `token=${running.token}` })),
      getMe: await counters.perRequest(COUNTED, () => api.getMe({}, { token: running.token })),
      serviceToken: await counters.perRequest(COUNTED, () => api.issueServiceToken(credentials)),
      refresh: await countRefreshes(api, running, counters),
    };

    say(`  GET /me vs GetMe: ${ME.rounds} alternating rounds of ${ME.warmUpSeconds} s + ${ME.seconds} s, ${ME.inFlight} in flight`);
    const me = { bridge: [] as Array<HttpLoadResult & { cpu: number }>, grpc: [] as Array<HttpLoadResult & { cpu: number }> };
    for (let round = 0; round < ME.rounds; round++) {
      me.bridge.push(await measured(pid, { ...ME, workDir, protocol: 'http1', url: `${running.bridgeUrl}/me`, headers: { cookie: `token=${running.token}` } }));
      me.grpc.push(
        await measured(pid, {
          ...ME,
          workDir,
          protocol: 'grpc',
          url: `http://${running.grpcAddress}/clientauth.v1.ClientAuth/GetMe`,
          headers: { authorization: `Bearer ${running.token}` },
          body: new Uint8Array(),
        }),
      );
    }
    const peakAfterMe = memoryMb(pid).peak;

    say(
      `  IssueServiceToken: ${SERVICE_TOKEN.rounds} rounds of ${SERVICE_TOKEN.warmUpSeconds} s + ${SERVICE_TOKEN.seconds} s, ${SERVICE_TOKEN.inFlight} in flight`,
    );
    const tokens: Array<HttpLoadResult & { cpu: number }> = [];
    for (let round = 0; round < SERVICE_TOKEN.rounds; round++) {
      tokens.push(
        await measured(pid, {
          ...SERVICE_TOKEN,
          workDir,
          protocol: 'grpc',
          method: 'POST',
          url: `http://${running.grpcAddress}/clientauth.v1.ClientAuth/IssueServiceToken`,
          body: IssueServiceTokenRequest.encode(credentials).finish(),
        }),
      );
    }
    const peakAfterServiceToken = memoryMb(pid).peak;

    say(`  POST /refresh vs RefreshToken: ${REFRESH_ROUNDS} alternating rounds, each in the other order`);
    const refresh = { bridge: [] as Side[], grpc: [] as Side[] };
    for (let round = 0; round < REFRESH_ROUNDS; round++) {
      for (const bridge of round % 2 === 0 ? [true, false] : [false, true]) {
        (bridge ? refresh.bridge : refresh.grpc).push((await refreshRun(pid, running, workDir, bridge, round)).side);
      }
    }
    return {
      me: { bridge: side(me.bridge), grpc: side(me.grpc) },
      serviceToken: side(tokens),
      refresh: { bridge: pooledSides(refresh.bridge), grpc: pooledSides(refresh.grpc) },
      roundTrips,
      memory: { readyMb: running.readyMb, peakAfter: { me: peakAfterMe, serviceToken: peakAfterServiceToken, refresh: memoryMb(pid).peak } },
    };
  } finally {
    api.close();
  }
}

/** One session's chain of refreshes, counted: each call needs the previous answer's token. */
async function countRefreshes(
  api: ReturnType<typeof createClientAuthClient>,
  running: Running,
  counters: ReturnType<typeof storeCounters>,
): Promise<RoundTrips> {
  let refreshToken = (await api.login({ email: running.email, password: running.password })).refreshToken;
  return counters.perRequest(COUNTED, async () => {
    refreshToken = (await api.refreshToken({ refreshToken })).refreshToken;
  });
}

async function fetchOk(url: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
}

/** Runs of one side as one: rate over their seconds, CPU over their requests, the runs' mean percentiles. */
function pooledSides(runs: Side[]): Side {
  const calls = runs.reduce((sum, run) => sum + run.calls, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const mean = (value: (run: Side) => number) => runs.reduce((sum, run) => sum + value(run), 0) / runs.length;
  return {
    calls,
    failed: 0,
    seconds,
    perSecond: calls / seconds,
    p50Ms: mean((run) => run.p50Ms),
    p99Ms: mean((run) => run.p99Ms),
    cpuMsPerRequest: runs.reduce((sum, run) => sum + run.cpuMsPerRequest * run.calls, 0) / Math.max(1, calls),
  };
}

export function sharedPathsReport(r: SharedPathFigures): string[] {
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  const g = SHARED_GOALS;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  out('Shared set-up paths (issue #33): node dist/src/main.js on FerretDB + Redis');
  out(`  CPU µs = the server's CPU time (user + system, /proc) over the measured window / requests answered;`);
  out(`  round trips = commands FerretDB (serverStatus) and Redis (INFO commandstats) counted per request, ${COUNTED} sequential requests`);
  out(`${'  path'.padEnd(34)}${'req/s'.padStart(10)}${'p99 ms'.padStart(10)}${'CPU µs'.padStart(10)}${'Mongo'.padStart(8)}${'Redis'.padStart(8)}`);
  const line = (label: string, s: Side, trips: RoundTrips | null) =>
    out(
      `${`  ${label}`.padEnd(34)}${num(s.perSecond).padStart(10)}${ms(s.p99Ms).padStart(10)}${int(s.cpuMsPerRequest * 1000).padStart(10)}` +
        `${(trips ? trips.mongo.toFixed(1) : '').padStart(8)}${(trips ? trips.redis.toFixed(1) : '').padStart(8)}`,
    );
  line('GET /me (bridge, 64 connections)', r.me.bridge, r.roundTrips.me);
  line('GetMe (gRPC, 64 streams)', r.me.grpc, r.roundTrips.getMe);
  line('IssueServiceToken (8 in flight)', r.serviceToken, r.roundTrips.serviceToken);
  line('POST /refresh (16 sessions)', r.refresh.bridge, r.roundTrips.refresh);
  line('RefreshToken (16 sessions)', r.refresh.grpc, r.roundTrips.refresh);
  const me = r.me.bridge;
  out(
    `  goals: /me CPU <= ${int(g.meCpuMs * 1000)} µs: ${met(me.cpuMsPerRequest <= g.meCpuMs && r.me.grpc.cpuMsPerRequest <= g.meCpuMs)}; ` +
      `/me >= ${int(g.mePerSecond)}/s: ${met(me.perSecond >= g.mePerSecond)}; /me p99 <= ${g.meP99Ms} ms: ${met(me.p99Ms <= g.meP99Ms)}`,
  );
  out(
    `         refresh CPU <= ${int(g.refreshCpuMs * 1000)} µs: ${met(Math.max(r.refresh.bridge.cpuMsPerRequest, r.refresh.grpc.cpuMsPerRequest) <= g.refreshCpuMs)}; ` +
      `POST /refresh >= ${g.refreshBridgePerSecond}/s: ${met(r.refresh.bridge.perSecond >= g.refreshBridgePerSecond)}; ` +
      `client credentials CPU <= ${int(g.serviceTokenCpuMs * 1000)} µs: ${met(r.serviceToken.cpuMsPerRequest <= g.serviceTokenCpuMs)}`,
  );
  const peak = r.memory.peakAfter.refresh;
  out(
    `  RSS: ${num(r.memory.readyMb)} MB at ready (goal < ${g.readyMb}: ${met(r.memory.readyMb < g.readyMb)}); high-water mark after /me, ` +
      `client credentials, refresh: ${num(r.memory.peakAfter.me)} / ${num(r.memory.peakAfter.serviceToken)} / ${num(peak)} MB (goal < ${g.peakMb}: ${met(peak < g.peakMb)})`,
  );
  const f = r.floor;
  out(
    `  one awaited round trip from a bare Node process on the server's core, CPU µs: timer wake ${int(f.timerWakeUs)}, Redis GET ${int(f.redisGetUs)}, ` +
      `MongoDB ping ${int(f.mongoPingUs)}, findOne by _id ${int(f.mongoFindOneUs)}`,
  );
  const sorted = [...r.coldStartsMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  out(
    `  cold start to the first served GET /me: ${r.coldStartsMs.map((x) => int(x)).join(' / ')} ms, median ${int(median)} ms (goal < ${g.coldStartMs}: ${met(median < g.coldStartMs)})`,
  );
  out();
  return lines;
}
