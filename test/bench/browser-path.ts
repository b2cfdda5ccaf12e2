/**
 * The browser path of `npm run bench`: `node dist/src/main.js` as users run it (gRPC
 * server and bridge in one process, the bridge calling the handlers in process), pinned to
 * the server core, each bridge route against the gRPC call it makes, in the same run:
 *
 *   GET /me with the cookie   vs GetMe          (h2load: HTTP/1.1, 64 connections | HTTP/2, 64 streams)
 *   POST /login               vs Login          (h2load, 8 in flight, bcrypt cost 10)
 *   POST /refresh             vs RefreshToken   (a Node driver chaining 16 sessions)
 *   GET /sign-in (the page)   and POST /sign-in (the form, answered 303) vs POST /login
 *
 * with the server's CPU time per request, its memory at ready and at peak, the rows and
 * bytes the sessions hold after the refreshes, and the cold start of the embedded default
 * to its first served GET /me, broken down. With `--peer-original`, the original Go
 * service runs on the same FerretDB and Redis and its /login and /me are measured in
 * alternating rounds with ours.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LoginRequest } from '../../gen/clientauth/v1/client_auth.js';
import { BUNDLE_DIR } from '../../src/build/bundle.js';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';
import { freePort, repoRoot } from '../support/paths.js';
import { pollFirstServed } from './first-served.js';
import { cpuSeconds, type HttpLoadResult, type HttpLoadRun, httpLoad, memoryMb } from './http-load.js';
import { type LoadFigures, pooled } from './load-generators.js';
import { type MainProcess, startMainProcess } from './main-process.js';
import { ensurePeer, type Peer, startPeer } from './peer-original.js';
import { LOAD_CPU, runNodeChild } from './processes.js';
import { type StorageFigures, sessionStorage } from './session-storage.js';

const ROOT = repoRoot();
const BENCH_DIST = path.join(ROOT, 'dist', 'test', 'bench');
const ME = { inFlight: 64, rounds: 2, warmUpSeconds: 1, seconds: 3 };
const LOGIN = { inFlight: 8, rounds: 1, warmUpSeconds: 1, seconds: 4 };
/** The hosted sign-in page as a browser loads it, and its form as a browser posts it. */
const SIGN_IN_PAGE = { inFlight: 64, rounds: 1, warmUpSeconds: 1, seconds: 3 };
const SIGN_IN_FORM = LOGIN;
const REFRESH = { sessions: 16, rounds: 2, warmUpSeconds: 1, seconds: 4 };
const COLD_STARTS = 3;
const BCRYPT_COST = 10;

export interface BrowserOptions {
  logLevel: string;
  peerOriginal: boolean;
  cpuProfile: boolean;
}

/** Throughput and latency of one side, and the server CPU each request cost. */
export interface Side extends LoadFigures {
  cpuMsPerRequest: number;
}

export interface SetUpFigures {
  name: 'embedded' | 'shared';
  me: { bridge: Side; grpc: Side };
  login: { bridge: Side; grpc: Side };
  /** The hosted pages: GET /sign-in, and a password sign-in through its form. */
  pages: { signInPage: Side; signInForm: Side };
  refresh: { bridge: Side; grpc: Side };
  /** The refresh driver's share of its core (CPU 1, shared with FerretDB and Redis), mean over the rounds: bridge, gRPC. */
  refreshDriverCpu: { bridge: number; grpc: number };
  /** RSS at ready, and its high-water mark (VmHWM) at the end and after each phase: what took it there. */
  memory: { readyMb: number; peakMb: number; peakAfter: { me: number; login: number; refresh: number } };
  storage: StorageFigures;
}

export interface ColdStart {
  totalMs: number;
  /** spawn -> the preload runs: starting node itself. */
  nodeMs: number;
  /** time spent loading CommonJS packages (required or imported), lazy loads included. */
  modulesMs: number;
  /** preload -> "wired": module loading, opening the stores, start-up checks. */
  wiringMs: number;
  /** "wired" -> the bridge listens. */
  listenMs: number;
  /** listening -> the first GET /me answered 200. */
  firstRequestMs: number;
}

export interface PeerFigures {
  skipped?: string;
  me?: { ours: Side; peer: Side };
  login?: { ours: Side; peer: Side };
  memory?: { ours: { readyMb: number; peakMb: number }; peer: { readyMb: number; peakMb: number } };
}

export interface BrowserResults {
  setUps: SetUpFigures[];
  coldStarts: ColdStart[];
  /**
   * The same cold starts without the bundle (dist/src/bootstrap/start.js, the compiled modules, as
   * main.js runs them with tracing on), run alternately with the others; or why not.
   */
  unbundled: ColdStart[] | { skipped: string };
  peer: PeerFigures | null;
}

export interface Running {
  main: MainProcess;
  bridgeUrl: string;
  grpcAddress: string;
  email: string;
  password: string;
  token: string;
  readyMb: number;
}

export async function measureBrowserPath(
  options: BrowserOptions,
  services: { mongoUri: string; redisUrl: string },
  workDir: string,
  say: (line: string) => void,
): Promise<BrowserResults> {
  const secret = randomBytes(48).toString('base64url');
  const baseEnv = {
    JWT_SECRET_KEY: secret,
    BCRYPT_COST: String(BCRYPT_COST),
    LOG_LEVEL: options.logLevel,
    GRPC_HOST: '127.0.0.1',
    BRIDGE_HOST: '127.0.0.1',
    // A shared, loaded machine must not turn slow logins into 503s.
    BRIDGE_CALL_TIMEOUT_MS: '30000',
  };
  const profileDir = path.join(ROOT, '.cache', 'bench-profiles');
  const nodeFlags = options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const dataDir = path.join(workDir, 'browser-embedded-data');
  const dbName = `bench_browser_${Date.now().toString(36)}`;
  const setUpEnv = {
    embedded: { ...baseEnv, DATA_DIR: dataDir },
    shared: { ...baseEnv, MONGODB_URI: services.mongoUri, REDIS_URL: services.redisUrl, DB_NAME: dbName },
  };

  const setUps: SetUpFigures[] = [];
  let peer: PeerFigures | null = null;
  let embeddedToken = '';
  for (const name of ['embedded', 'shared'] as const) {
    say(`browser path (${name}): node dist/src/main.js on CPU 0, load on CPU ${LOAD_CPU}`);
    const running = await startRunning(setUpEnv[name], path.join(workDir, `main-${name}.log`), nodeFlags);
    try {
      if (name === 'embedded') embeddedToken = running.token;
      setUps.push(await measureSetUp(name, running, workDir, say, name === 'embedded' ? { dataDir } : { mongoUri: services.mongoUri, dbName }));
      if (name === 'shared' && options.peerOriginal) peer = await measurePeer(running, services, dbName, secret, workDir, say);
    } finally {
      await running.main.stop();
    }
  }
  if (options.cpuProfile) say(`CPU profiles of main.js written to ${profileDir}`);

  const bundled = fs.existsSync(path.join(ROOT, 'dist', BUNDLE_DIR, 'start.js'));
  say(`cold start of the embedded default to its first served GET /me, ${COLD_STARTS} times${bundled ? ', alternating with the unbundled modules' : ''}`);
  const coldStarts: ColdStart[] = [];
  const unbundled: ColdStart[] = [];
  for (let run = 0; run < COLD_STARTS; run++) {
    coldStarts.push(await coldStart(setUpEnv.embedded, embeddedToken, path.join(workDir, 'cold.log')));
    if (bundled) unbundled.push(await coldStart(setUpEnv.embedded, embeddedToken, path.join(workDir, 'cold.log'), UNBUNDLED));
  }
  return { setUps, coldStarts, unbundled: bundled ? unbundled : { skipped: 'no bundle in dist (npm run build makes one), so main.js ran unbundled' }, peer };
}

export async function startRunning(env: Record<string, string>, logFile: string, nodeFlags: string[]): Promise<Running> {
  const main = await startMainProcess(env, { logFile, nodeFlags });
  const readyMb = memoryMb(main.pid).rss;
  const grpcAddress = `127.0.0.1:${main.grpcPort}`;
  const api = createClientAuthClient(grpcAddress, { deadlineMs: 10_000 });
  try {
    const password = `bench-${randomBytes(12).toString('base64url')}`;
    const email = `browser-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}@example.com`;
    await api.registerUser({ email, password, firstName: 'Bench', lastName: 'User', phoneNumber: '', attributes: {} });
    const token = (await api.login({ email, password })).accessToken;
    return { main, bridgeUrl: `http://127.0.0.1:${main.bridgePort}`, grpcAddress, email, password, token, readyMb };
  } finally {
    api.close();
  }
}

async function measureSetUp(
  name: SetUpFigures['name'],
  running: Running,
  workDir: string,
  say: (line: string) => void,
  stores: { dataDir: string } | { mongoUri: string; dbName: string },
): Promise<SetUpFigures> {
  const pid = running.main.pid;
  const meRuns = { bridge: [] as Array<HttpLoadResult & { cpu: number }>, grpc: [] as Array<HttpLoadResult & { cpu: number }> };
  say(`  GET /me vs GetMe: ${ME.rounds} alternating rounds of ${ME.warmUpSeconds} s + ${ME.seconds} s, ${ME.inFlight} in flight`);
  for (let round = 0; round < ME.rounds; round++) {
    meRuns.bridge.push(
      await measured(pid, { ...ME, workDir, protocol: 'http1', url: `${running.bridgeUrl}/me`, headers: { cookie: `token=${running.token}` } }),
    );
    meRuns.grpc.push(
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
  say(`  POST /login vs Login: ${LOGIN.warmUpSeconds} s + ${LOGIN.seconds} s each, ${LOGIN.inFlight} in flight, bcrypt cost ${BCRYPT_COST}`);
  const credentials = { email: running.email, password: running.password };
  const loginBridge = await measured(pid, {
    ...LOGIN,
    workDir,
    protocol: 'http1',
    method: 'POST',
    url: `${running.bridgeUrl}/login`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  const loginGrpc = await measured(pid, {
    ...LOGIN,
    workDir,
    protocol: 'grpc',
    method: 'POST',
    url: `http://${running.grpcAddress}/clientauth.v1.ClientAuth/Login`,
    body: LoginRequest.encode(credentials).finish(),
  });
  say(
    `  GET /sign-in: ${SIGN_IN_PAGE.warmUpSeconds} s + ${SIGN_IN_PAGE.seconds} s, ${SIGN_IN_PAGE.inFlight} in flight; POST /sign-in (the form): as POST /login`,
  );
  const signInPage = await measured(pid, {
    ...SIGN_IN_PAGE,
    workDir,
    protocol: 'http1',
    url: `${running.bridgeUrl}/sign-in`,
    headers: { 'accept-language': 'en' },
  });
  const signInForm = await measured(pid, {
    ...SIGN_IN_FORM,
    workDir,
    protocol: 'http1',
    method: 'POST',
    url: `${running.bridgeUrl}/sign-in`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(credentials).toString(),
  });
  if (signInForm.statuses['3xx'] === 0) throw new Error(`POST /sign-in signed no one in: ${JSON.stringify(signInForm.statuses)}`);
  const peakAfterLogin = memoryMb(pid).peak;
  say(
    `  POST /refresh vs RefreshToken: ${REFRESH.rounds} alternating rounds of ${REFRESH.sessions} chained sessions, ${REFRESH.warmUpSeconds} s + ${REFRESH.seconds} s each`,
  );
  // Alternating, and each round in the other order: a store that slows as its tables fill
  // must not favour whichever side runs first.
  const refreshRuns = { bridge: [] as RefreshRun[], grpc: [] as RefreshRun[] };
  for (let round = 0; round < REFRESH.rounds; round++) {
    for (const bridge of round % 2 === 0 ? [true, false] : [false, true]) {
      (bridge ? refreshRuns.bridge : refreshRuns.grpc).push(await refreshRun(pid, running, workDir, bridge, round));
    }
  }
  const refreshBridge = pooledRefreshes(refreshRuns.bridge);
  const refreshGrpc = pooledRefreshes(refreshRuns.grpc);
  const storage = await sessionStorage(stores, refreshBridge.refreshes + refreshGrpc.refreshes);
  return {
    name,
    me: { bridge: side(meRuns.bridge), grpc: side(meRuns.grpc) },
    login: { bridge: side([loginBridge]), grpc: side([loginGrpc]) },
    pages: { signInPage: side([signInPage]), signInForm: side([signInForm]) },
    refresh: { bridge: refreshBridge.side, grpc: refreshGrpc.side },
    refreshDriverCpu: { bridge: refreshBridge.driverCpuShare, grpc: refreshGrpc.driverCpuShare },
    memory: { readyMb: running.readyMb, peakMb: memoryMb(pid).peak, peakAfter: { me: peakAfterMe, login: peakAfterLogin, refresh: memoryMb(pid).peak } },
    storage,
  };
}

/** One h2load run, with the server's CPU time over its measured window. */
export async function measured(pid: number, run: HttpLoadRun): Promise<HttpLoadResult & { cpu: number }> {
  let fromCpu = cpuSeconds(pid);
  const warmedUp = setTimeout(() => (fromCpu = cpuSeconds(pid)), run.warmUpSeconds * 1000);
  const result = await httpLoad(run);
  clearTimeout(warmedUp);
  const cpu = cpuSeconds(pid) - fromCpu;
  if (result.latenciesUs.length === 0) throw new Error(`no successful request to ${run.url}: ${JSON.stringify(result.statuses)}`);
  return { ...result, cpu };
}

export function side(runs: Array<HttpLoadResult & { cpu: number }>): Side {
  const figures = pooled(runs);
  const cpu = runs.reduce((sum, run) => sum + run.cpu, 0);
  return { ...figures, cpuMsPerRequest: (cpu * 1000) / Math.max(1, figures.calls) };
}

interface RefreshFigures {
  measuredFrom: number;
  measuredUntil: number;
  refreshes: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: Record<string, number>;
  driverCpuShare: number;
}

interface RefreshRun {
  side: Side;
  refreshes: number;
  driverCpuShare: number;
}

/** The rounds of one side as one: rate over their measured seconds, CPU over their refreshes, the rounds' mean percentiles. */
function pooledRefreshes(runs: RefreshRun[]): RefreshRun {
  const calls = runs.reduce((sum, run) => sum + run.side.calls, 0);
  const seconds = runs.reduce((sum, run) => sum + run.side.seconds, 0);
  const cpuMs = runs.reduce((sum, run) => sum + run.side.cpuMsPerRequest * run.side.calls, 0);
  const mean = (value: (run: RefreshRun) => number) => runs.reduce((sum, run) => sum + value(run), 0) / runs.length;
  return {
    side: {
      calls,
      failed: 0,
      seconds,
      perSecond: calls / seconds,
      p50Ms: mean((run) => run.side.p50Ms),
      p99Ms: mean((run) => run.side.p99Ms),
      cpuMsPerRequest: cpuMs / Math.max(1, calls),
    },
    refreshes: runs.reduce((sum, run) => sum + run.refreshes, 0),
    driverCpuShare: mean((run) => run.driverCpuShare),
  };
}

export async function refreshRun(pid: number, running: Running, workDir: string, bridge: boolean, round: number): Promise<RefreshRun> {
  const settings = {
    address: running.grpcAddress,
    ...(bridge ? { bridgeUrl: running.bridgeUrl, refreshCookie: 'refresh_token' } : {}),
    email: running.email,
    password: running.password,
    ...REFRESH,
  };
  // The server's CPU time, sampled through the run: the driver says afterwards which
  // window it measured (after its logins and warm-up).
  const samples: Array<{ at: number; cpu: number }> = [];
  const sampler = setInterval(() => samples.push({ at: Date.now(), cpu: cpuSeconds(pid) }), 50);
  let figures: RefreshFigures;
  try {
    figures = await runNodeChild<RefreshFigures>(LOAD_CPU, path.join(BENCH_DIST, 'refresh-driver.js'), [JSON.stringify(settings)], {
      readyTimeoutMs: (REFRESH.warmUpSeconds + REFRESH.seconds + 60) * 1000,
      outputFile: path.join(workDir, `refresh-${bridge ? 'bridge' : 'grpc'}-${round}.log`),
    });
  } finally {
    clearInterval(sampler);
  }
  if (Object.keys(figures.failures).length > 0) throw new Error(`refreshes failed: ${JSON.stringify(figures.failures)}`);
  const cpuAt = (at: number) => samples.reduce((best, sample) => (Math.abs(sample.at - at) < Math.abs(best.at - at) ? sample : best)).cpu;
  const cpu = cpuAt(figures.measuredUntil) - cpuAt(figures.measuredFrom);
  return {
    side: {
      calls: figures.refreshes,
      failed: 0,
      seconds: figures.seconds,
      perSecond: figures.perSecond,
      p50Ms: figures.p50Ms,
      p99Ms: figures.p99Ms,
      cpuMsPerRequest: (cpu * 1000) / Math.max(1, figures.refreshes),
    },
    refreshes: figures.refreshes,
    driverCpuShare: figures.driverCpuShare,
  };
}

/**
 * The compiled composition root, run as main.js runs it without its bundle: with the
 * heap policy applied first (src/bootstrap/heap-policy-apply.ts), so that the two
 * differ only in the bundle.
 */
const UNBUNDLED = {
  script: path.join(ROOT, 'dist', 'src', 'bootstrap', 'start.js'),
  nodeFlags: ['--import', pathToFileURL(path.join(ROOT, 'dist', 'src', 'bootstrap', 'heap-policy-apply.js')).href],
};

export async function coldStart(env: Record<string, string>, token: string, logFile: string, unbundled?: typeof UNBUNDLED): Promise<ColdStart> {
  const port = await freePort();
  const firstServed = pollFirstServed(`http://127.0.0.1:${port}/me`, token);
  const main = await startMainProcess(env, {
    logFile,
    bridgePort: port,
    nodeFlags: ['--import', pathToFileURL(path.join(BENCH_DIST, 'startup-probe.js')).href, ...(unbundled?.nodeFlags ?? [])],
    ...(unbundled ? { script: unbundled.script } : {}),
  });
  const servedAt = await firstServed.until(10_000);
  const { stderr } = await main.stop();
  const probeLine = stderr.split('\n').find((line) => line.startsWith('startup-probe:'));
  if (!probeLine || servedAt === 0) throw new Error(`the cold start was not measured: ${stderr}`);
  const probe = JSON.parse(probeLine.slice('startup-probe:'.length)) as { preloadAtMs: number; loadingMs: number };
  const at = (message: string) => Number(main.lines.find((line) => line['msg'] === message)?.['time']);
  const wiredAt = Number(main.lines.find((line) => String(line['msg']).startsWith('client-auth is wired'))?.['time']);
  const listeningAt = at('bridge listening');
  return {
    totalMs: servedAt - main.spawnedAt,
    nodeMs: probe.preloadAtMs - main.spawnedAt,
    modulesMs: probe.loadingMs,
    wiringMs: wiredAt - probe.preloadAtMs,
    listenMs: listeningAt - wiredAt,
    firstRequestMs: servedAt - listeningAt,
  };
}

async function measurePeer(
  ours: Running,
  services: { mongoUri: string; redisUrl: string },
  dbName: string,
  secret: string,
  workDir: string,
  say: (line: string) => void,
): Promise<PeerFigures> {
  let peer: Peer;
  try {
    peer = await startPeer(ensurePeer(ROOT, say), { ...services, dbName: `${dbName}_peer` }, secret);
  } catch (error) {
    say(`the original service is not measured: ${(error as Error).message}`);
    return { skipped: (error as Error).message };
  }
  try {
    const peerReadyMb = memoryMb(peer.pid).rss;
    say(`  original service vs ours on FerretDB + Redis: GET /me and POST /login, alternating rounds`);
    const me = { ours: [] as Array<HttpLoadResult & { cpu: number }>, peer: [] as Array<HttpLoadResult & { cpu: number }> };
    const login = { ours: [] as Array<HttpLoadResult & { cpu: number }>, peer: [] as Array<HttpLoadResult & { cpu: number }> };
    const loginRun = (url: string, email: string, password: string): HttpLoadRun => ({
      ...LOGIN,
      workDir,
      protocol: 'http1',
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    for (let round = 0; round < ME.rounds; round++) {
      me.peer.push(await measured(peer.pid, { ...ME, workDir, protocol: 'http1', url: `${peer.url}/me`, headers: { cookie: `token=${peer.token}` } }));
      me.ours.push(
        await measured(ours.main.pid, { ...ME, workDir, protocol: 'http1', url: `${ours.bridgeUrl}/me`, headers: { cookie: `token=${ours.token}` } }),
      );
      login.peer.push(await measured(peer.pid, loginRun(`${peer.url}/login`, peer.email, peer.password)));
      login.ours.push(await measured(ours.main.pid, loginRun(`${ours.bridgeUrl}/login`, ours.email, ours.password)));
    }
    return {
      me: { ours: side(me.ours), peer: side(me.peer) },
      login: { ours: side(login.ours), peer: side(login.peer) },
      memory: { ours: { readyMb: ours.readyMb, peakMb: memoryMb(ours.main.pid).peak }, peer: { readyMb: peerReadyMb, peakMb: memoryMb(peer.pid).peak } },
    };
  } finally {
    await peer.stop();
  }
}
