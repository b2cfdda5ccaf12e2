/**
 * `npm run bench`: the throughput and latency of client-auth's hot paths, each as a ratio
 * to a baseline measured in the same run, because these machines are noisy.
 *
 *   ValidateToken   vs a grpc-js echo RPC            (h2load, 64 in flight, one connection),
 *                   on ES256 tokens, and on EdDSA tokens (embedded); the echo serves with
 *                   client-auth's two GC fixes (src/transport/grpc/stream-table.ts), and the bare
 *                   echo, as grpc-js comes, is measured once a round beside it
 *   Login           vs raw bcrypt.compare, same cost (ghz, 8 in flight); and with
 *                   PASSWORD_HASH=argon2id vs raw argon2 verify, same parameters (embedded,
 *                   test/bench/password-hashes.ts)
 *   RefreshToken    refreshes per second             (a Node client chaining 16 sessions)
 *   WatchRevocations  SuspendClient returned -> 100 watchers have the event (p50/p99),
 *                   and the server's RSS for 200 idle watchers
 *   HS256 verify    jsonwebtoken with a string secret vs a KeyObject, and JwtTokenIssuer.verify
 *   ES256/EdDSA     JwtTokenIssuer.verify vs raw crypto.verify of the same algorithm
 *   Tracing         ValidateToken with traces on (OTLP, 1 % sampled) vs off, shared set-up
 *   gateways        GET /auth vs a bare Koa route, ext_authz Check vs echo, NGINX with and
 *                   without auth_request (test/bench/gateways.ts)
 *   Login storm     waves of 200 concurrent wrong-password logins: ValidateToken p99 vs idle, a real
 *                   user's logins (OK, or RESOURCE_EXHAUSTED within 50 ms), and the cost of
 *                   one common-password blocklist check
 *
 * ValidateToken, Login, RefreshToken and WatchRevocations are measured for the shared
 * set-up (FerretDB + Redis, the primary figure) and the embedded one (SQLite, in-process
 * revocation list). Servers and
 * in-process baselines run pinned to CPU 0; load generators, FerretDB and Redis (started
 * as the tests start them) to CPU 1. Only 127.0.0.1 is used. Every process started here
 * is stopped at the end, and the run is bounded in time. Targets are reported, never
 * enforced: the exit code is 0 unless the benchmark itself could not run.
 *
 * Options (after `npm run bench --`):
 *   --log-level=LEVEL   the servers' LOG_LEVEL (default info, the service's default)
 *   --metrics           per-RPC Prometheus metrics on, as compose runs it (METRICS_PORT)
 *   --shared-only       skip the embedded set-up
 *   --cpu-prof          write V8 CPU profiles of the servers to .cache/bench-profiles/
 *   --gateways-only     only the gateway figures (no FerretDB or Redis needed)
 *   --verify-only       only the token verification figures (HS256, ES256, EdDSA; nothing started)
 *   --browser-only      only the browser path (test/bench/browser-path.ts)
 *   --no-browser        skip the browser path
 *   --peer-original     also build and measure the original Go service (see peer-original.ts)
 *   --hashes-only       only Login by password hash, bcrypt and argon2id, each vs its raw hash (embedded)
 *   --shared-paths      only the shared set-up's /me, GetMe, client credentials and refresh, with CPU and
 *                       round trips per request, RSS per phase and the cold start (test/bench/shared-paths.ts)
 *   --oidc-only         only the OpenID Provider: client credentials at /oidc/token, and code + PKCE
 *                       round trips without a browser (embedded, test/bench/oidc-figures.ts)
 *   --console-only      only the admin console's list and search pages over many clients, embedded
 *                       and shared (test/bench/console-figures.ts)
 *   --console-clients=E,S  how many clients --console-only writes: E embedded, S on FerretDB
 *                       (default 100000,10000)
 *
 * ACCESS_LOG_SAMPLE in the environment is passed to the servers (default: the service's, 0).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ValidateTokenRequest } from '../../gen/clientauth/v1/client_auth.js';
import { startFerret } from '../support/ferretdb.js';
import { mochaGlobalSetup, mochaGlobalTeardown } from '../support/global-setup.js';
import { repoRoot } from '../support/paths.js';
import { measureBlocklist, STORM, stormReport } from './abuse-figures.js';
import { prepareUser } from './bench-user.js';
import { type BrowserResults, measureBrowserPath } from './browser-path.js';
import { browserReport } from './browser-report.js';
import { CONSOLE_CLIENTS, consoleReport, measureConsole } from './console-figures.js';
import { int, ms, num, ratio, verdict } from './format.js';
import { gatewayReport, measureGateways } from './gateways.js';
import { ensureGhz, ensureH2load, ghz, type H2loadResult, h2load, type LoadFigures, pooled } from './load-generators.js';
import { measureOidc, oidcReport } from './oidc-figures.js';
import { type HashAlgorithm, measurePasswordHashes, passwordHashReport } from './password-hashes.js';
import { killAll, LOAD_CPU, type NodeChild, pinningProblem, pinSelf, runNodeChild, SERVER_CPU, startNodeChild } from './processes.js';
import { measureSharedPaths, sharedPathsReport } from './shared-paths.js';
import type { StormFigures } from './storm-driver.js';
import { measureTracingOverhead, startOtlpSink, type TracingOverhead, tracingEnv } from './tracing-overhead.js';

const ROOT = repoRoot();
const BENCH_DIST = path.join(ROOT, 'dist', 'test', 'bench');
// The gRPC paths, the gateways and the browser path each take a few minutes on a loaded machine.
const RUN_LIMIT_MS = 40 * 60_000;
const READY_TIMEOUT_MS = 60_000;

/**
 * Each ValidateToken run is measured between two echo runs and compared with their mean:
 * the echo's own rate drifted by up to a quarter between rounds of one run, so a round
 * compared with an echo run measured half a minute away mostly measured the machine.
 * Runs of 6 s, not 4: over 4 s the server's garbage collection work varied threefold
 * between runs (0 to 5 full collections; measured with --trace-gc, see docs/benchmarks.md).
 */
const VALIDATE = { inFlight: 64, rounds: 3, warmUpSeconds: 1, seconds: 6 };
const TRACING_ROUNDS = 2;
const LOGIN = { inFlight: 8, warmUpSeconds: 1, seconds: 10 };
const BCRYPT = { cost: 10, warmUpSeconds: 1, seconds: 10 };
const REFRESH = { sessions: 16, warmUpSeconds: 2, seconds: 8 };
const JWT = { warmUpSeconds: 0.3, seconds: 1.5 };
const ASYMMETRIC = { warmUpSeconds: 0.2, seconds: 3 };
const WATCH = { watchers: 100, idleWatchers: 200, samples: 30 };
const ADMIN = { email: 'bench-admin@example.com', password: `bench-admin-${randomBytes(9).toString('base64url')}` };
const TARGETS = { validateThroughput: 0.8, validateP99Ms: 2, loginThroughput: 0.9, refreshShared: 300, refreshEmbedded: 2000 };

const ISSUER = 'client-auth';
const AUDIENCE = 'client-auth';

interface Options {
  logLevel: string;
  cpuProfile: boolean;
  metrics: boolean;
  embedded: boolean;
  grpcPaths: boolean;
  browserPath: boolean;
  peerOriginal: boolean;
  gatewaysOnly: boolean;
  verifyOnly: boolean;
  hashesOnly: boolean;
  sharedPaths: boolean;
  oidcOnly: boolean;
  consoleOnly: boolean;
  consoleClients: { embedded: number; shared: number };
}

function say(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    logLevel: 'info',
    cpuProfile: false,
    metrics: false,
    embedded: true,
    gatewaysOnly: false,
    verifyOnly: false,
    hashesOnly: false,
    sharedPaths: false,
    oidcOnly: false,
    consoleOnly: false,
    consoleClients: { ...CONSOLE_CLIENTS },
    grpcPaths: true,
    browserPath: true,
    peerOriginal: false,
  };
  for (const arg of argv) {
    if (arg === '--cpu-prof') options.cpuProfile = true;
    else if (arg === '--metrics') options.metrics = true;
    else if (arg === '--shared-only') options.embedded = false;
    else if (arg === '--gateways-only') options.gatewaysOnly = true;
    else if (arg === '--verify-only') options.verifyOnly = true;
    else if (arg === '--hashes-only') options.hashesOnly = true;
    else if (arg === '--shared-paths') options.sharedPaths = true;
    else if (arg === '--oidc-only') options.oidcOnly = true;
    else if (arg === '--console-only') options.consoleOnly = true;
    else if (arg.startsWith('--console-clients=')) options.consoleClients = consoleClientsOf(arg.slice('--console-clients='.length));
    else if (arg === '--browser-only') options.grpcPaths = false;
    else if (arg === '--no-browser') options.browserPath = false;
    else if (arg === '--peer-original') options.peerOriginal = true;
    else if (arg.startsWith('--log-level=')) options.logLevel = arg.slice('--log-level='.length);
    else
      throw new Error(
        `unknown option ${arg} (known: --log-level=LEVEL, --metrics, --shared-only, --cpu-prof, --gateways-only, --verify-only, --hashes-only, --shared-paths, --oidc-only, --console-only, --console-clients=E,S, --browser-only, --no-browser, --peer-original)`,
      );
  }
  return options;
}

/** `--console-clients=E,S`: two positive whole numbers. */
function consoleClientsOf(value: string): { embedded: number; shared: number } {
  const counts = value.split(',').map(Number);
  if (counts.length !== 2 || !counts.every((count) => Number.isInteger(count) && count > 0)) {
    throw new Error(`--console-clients must be two positive whole numbers, embedded then shared (e.g. 100000,10000); got "${value}"`);
  }
  return { embedded: counts[0]!, shared: counts[1]! };
}

type SetUpName = 'shared' | 'embedded' | 'embedded, EdDSA';

/** One way of running client-auth: its stores, and the server and user measured against it. */
interface SetUp {
  name: SetUpName;
  /** Measured for ValidateToken only (another signing algorithm on the same stores). */
  validateOnly: boolean;
  server: NodeChild;
  logFile: string;
  address: string;
  adapters: string;
  email: string;
  password: string;
  token: string;
}

interface RefreshFigures {
  perSecond: number;
  refreshes: number;
  p50Ms: number;
  p99Ms: number;
  /** The driver's own CPU over the window, in cores: near 1 would make the figure the driver's. */
  driverCpuShare: number;
  failures: Record<string, number>;
}

interface SetUpResults {
  name: SetUp['name'];
  adapters: string;
  validate: LoadFigures;
  validateRounds: number[];
  /** The echo figure each round is compared with (the mean of the echo runs either side of it). */
  baselineRounds: number[];
  validateLog: LogCount;
  login: (LoadFigures & { statuses: Record<string, number> }) | { skipped: string } | null;
  refresh: RefreshFigures | null;
  fanout: {
    watchers: number;
    samples: number;
    p50Ms: number;
    p99Ms: number;
    fromSentP50Ms: number;
    fromSentP99Ms: number;
    idleWatchers: number;
    idleRssMb: number;
  } | null;
  storm: StormFigures;
}

interface AsymmetricRates {
  rawVerify: number;
  newToken: number;
  sameToken: number;
}

/** ValidateToken against the echo in alternating rounds. */
interface ValidateFigures {
  echo: LoadFigures;
  echoRounds: number[];
  /** The bare grpc-js echo, one run a round (after the round's last echo run). */
  bareEchoRounds: number[];
  /** Per set-up, each round's ValidateToken figure and the echo figure it is compared with (the echo runs either side of it). */
  setUps: Array<{ name: SetUpName; validate: LoadFigures; validateRounds: number[]; baselineRounds: number[] }>;
}

interface Results {
  echo: LoadFigures;
  echoRounds: number[];
  bareEchoRounds: number[];
  /** The same rounds once the full set-ups have served the WatchRevocations phase's streams. */
  afterStreams: ValidateFigures;
  setUps: SetUpResults[];
  bcrypt: { perSecond: number; compares: number; mismatches: number };
  jwt: { stringSecret: number; keyObject: number; tokenIssuerNewToken: number; tokenIssuerSameToken: number };
  asymmetric: { ES256: AsymmetricRates; EdDSA: AsymmetricRates };
  tokenLength: number;
  blocklist: ReturnType<typeof measureBlocklist>;
  tracing: TracingOverhead;
  /** RefreshToken on the shared set-up over stock FerretDB, whose `_id` lookups scan; null without the shared set-up. */
  refreshStockFerret: RefreshFigures | null;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const limit = setTimeout(() => {
    say(`the run took longer than ${RUN_LIMIT_MS / 60_000} minutes; stopping everything`);
    killAll();
    process.exit(2);
  }, RUN_LIMIT_MS);
  limit.unref();

  const pinning = pinningProblem();
  if (pinning) say(`NOT pinning processes to cores (${pinning}); the figures mean less`);
  if (options.verifyOnly) {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-auth-bench-'));
    try {
      process.stdout.write(`${verificationReport(await measureVerification(workDir)).join('\n')}\n`);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
      clearTimeout(limit);
    }
    return;
  }
  ensureH2load(say);
  let ghzBin: string | null = null;
  let ghzMissing = '';
  try {
    ghzBin = ensureGhz(ROOT, say);
  } catch (error) {
    ghzMissing = (error as Error).message;
    say(`Login will not be measured: ${ghzMissing}`);
  }

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-auth-bench-'));
  const children: NodeChild[] = [];
  const hashes = (algorithms: HashAlgorithm[]) =>
    ghzBin === null
      ? Promise.resolve([])
      : measurePasswordHashes({ algorithms, ghz: ghzBin, root: ROOT, distDir: BENCH_DIST, workDir, children, logLevel: options.logLevel, say });
  try {
    if (options.hashesOnly) {
      process.stdout.write(`${passwordHashReport(await hashes(['bcrypt', 'argon2id']), row).join('\n')}\n`);
      return;
    }
    if (options.oidcOnly) {
      const oidc = await measureOidc({
        root: ROOT,
        distDir: BENCH_DIST,
        workDir,
        ghz: ghzBin,
        logLevel: options.logLevel,
        nodeFlags: profileFlags(options),
        say,
      });
      process.stdout.write(`${oidcReport(oidc, row).join('\n')}\n`);
      return;
    }
    // FerretDB and Redis inherit this core: off the server's core, as a database on
    // another machine would be. The runner itself is idle while anything is measured.
    pinSelf(LOAD_CPU);
    if (options.consoleOnly) {
      await mochaGlobalSetup();
      const mongoUri = process.env['TEST_MONGODB_URI'];
      const redisUrl = process.env['TEST_REDIS_URL'];
      if (!mongoUri || !redisUrl) throw new Error('FerretDB and Redis could not be started (see the lines above)');
      const figures = await measureConsole({ workDir, logLevel: options.logLevel, counts: options.consoleClients, services: { mongoUri, redisUrl }, say });
      process.stdout.write(`${consoleReport(figures, row).join('\n')}\n`);
      return;
    }
    if (options.sharedPaths) {
      await mochaGlobalSetup();
      const mongoUri = process.env['TEST_MONGODB_URI'];
      const redisUrl = process.env['TEST_REDIS_URL'];
      if (!mongoUri || !redisUrl) throw new Error('FerretDB and Redis could not be started (see the lines above)');
      const figures = await measureSharedPaths(options, { mongoUri, redisUrl }, workDir, say);
      process.stdout.write(`${sharedPathsReport(figures).join('\n')}\n`);
      return;
    }
    let results: Results | null = null;
    let browser: BrowserResults | null = null;
    if (!options.gatewaysOnly) {
      await mochaGlobalSetup();
      const mongoUri = process.env['TEST_MONGODB_URI'];
      const redisUrl = process.env['TEST_REDIS_URL'];
      if (!mongoUri || !redisUrl) throw new Error('FerretDB and Redis could not be started (see the lines above)');
      if (options.grpcPaths) results = await measure(options, { mongoUri, redisUrl }, ghzBin, ghzMissing, workDir, children);
      for (const child of children) await child.stop();
      if (options.browserPath) browser = await measureBrowserPath(options, { mongoUri, redisUrl }, workDir, say);
      await mochaGlobalTeardown();
    }
    // Printed before the gateway phase, so a failure there does not lose these figures.
    if (results) printReport(results, options);
    // bcrypt's Login is in the report above, against the same raw compare.
    if (options.grpcPaths) process.stdout.write(`${passwordHashReport(await hashes(['argon2id']), row).join('\n')}\n`);
    if (options.grpcPaths) {
      const oidc = await measureOidc({
        root: ROOT,
        distDir: BENCH_DIST,
        workDir,
        ghz: ghzBin,
        logLevel: options.logLevel,
        nodeFlags: profileFlags(options),
        say,
      });
      process.stdout.write(`${oidcReport(oidc, row).join('\n')}\n`);
    }
    // --browser-only measures the browser path alone.
    const gateways = options.grpcPaths
      ? await measureGateways({
          distDir: BENCH_DIST,
          workDir,
          children,
          nodeFlags: profileFlags(options),
          logLevel: options.logLevel,
          say,
        })
      : null;
    if (gateways) process.stdout.write(`${gatewayReport(gateways, row).join('\n')}\n`);
    if (browser) process.stdout.write(`${browserReport(browser).join('\n')}\n`);
  } finally {
    for (const child of children) await child.stop();
    await mochaGlobalTeardown();
    fs.rmSync(workDir, { recursive: true, force: true });
    clearTimeout(limit);
  }
}

async function measure(
  options: Options,
  services: { mongoUri: string; redisUrl: string },
  ghzBin: string | null,
  ghzMissing: string,
  workDir: string,
  children: NodeChild[],
): Promise<Results> {
  const secret = randomBytes(48).toString('base64url');
  const profileDir = path.join(ROOT, '.cache', 'bench-profiles');

  say(`starting the echo baseline and client-auth (${options.embedded ? 'shared and embedded set-ups' : 'shared set-up'}) on CPU ${SERVER_CPU}`);
  // The baseline: grpc-js's echo with client-auth's two GC fixes (stream tables and no
  // pretenuring, src/transport/grpc/stream-table.ts), so a ratio measures the handlers, not those
  // fixes. The bare echo, as grpc-js comes, runs once a round beside it.
  const echoServer = startNodeChild(SERVER_CPU, path.join(BENCH_DIST, 'echo-server.js'), ['--as-client-auth'], {
    readyTimeoutMs: READY_TIMEOUT_MS,
    outputFile: path.join(workDir, 'echo.log'),
  });
  const bareEchoServer = startNodeChild(SERVER_CPU, path.join(BENCH_DIST, 'echo-server.js'), [], {
    readyTimeoutMs: READY_TIMEOUT_MS,
    outputFile: path.join(workDir, 'echo-bare.log'),
  });
  children.push(echoServer, bareEchoServer);
  const serverEnv = {
    JWT_ALGORITHM: 'ES256',
    KEY_ENCRYPTION_KEY: randomBytes(48).toString('base64url'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    BCRYPT_COST: String(BCRYPT.cost),
    LOG_LEVEL: options.logLevel,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    // The drivers stand for gateways naming many clients' IPs (the login storm's attackers).
    TRUSTED_PROXY_CIDRS: '127.0.0.1/32',
    // The WatchRevocations phase opens all its streams with the one admin's token.
    WATCH_STREAMS_PER_CLIENT: String(WATCH.idleWatchers + WATCH.watchers),
    ...(options.metrics ? { METRICS_PORT: '0' } : {}),
  };
  const startServer = (name: SetUp['name'], env: Record<string, string>, validateOnly = false, logName: string = name) => {
    const logFile = path.join(workDir, `client-auth-${logName}.log`);
    const server = startNodeChild(SERVER_CPU, path.join(BENCH_DIST, 'client-auth-server.js'), [], {
      readyTimeoutMs: READY_TIMEOUT_MS,
      outputFile: logFile,
      nodeFlags: profileFlags(options),
      env: { ...serverEnv, ...env },
    });
    children.push(server);
    return { name, server, logFile, validateOnly };
  };
  const sharedEnv = (label: string) => ({ MONGODB_URI: services.mongoUri, REDIS_URL: services.redisUrl, DB_NAME: `bench_${label}${Date.now().toString(36)}` });
  const starting = [startServer('shared', sharedEnv(''))];
  const sink = await startOtlpSink();
  const traced = startNodeChild(SERVER_CPU, path.join(BENCH_DIST, 'client-auth-server.js'), [], {
    readyTimeoutMs: READY_TIMEOUT_MS,
    outputFile: path.join(workDir, 'client-auth-traced.log'),
    env: { ...serverEnv, ...sharedEnv('traced_'), ...tracingEnv(sink.endpoint) },
  });
  children.push(traced);
  // The embedded set-up is the one configured with neither MongoDB nor Redis.
  if (options.embedded) {
    starting.push(startServer('embedded', { DATA_DIR: path.join(workDir, 'embedded-data') }));
    starting.push(startServer('embedded, EdDSA', { DATA_DIR: path.join(workDir, 'embedded-eddsa-data'), JWT_ALGORITHM: 'EdDSA' }, true));
  }
  const echoAddress = `127.0.0.1:${(await echoServer.ready)['port']}`;
  const bareEchoAddress = `127.0.0.1:${(await bareEchoServer.ready)['port']}`;
  const setUps: SetUp[] = [];
  for (const { name, server, logFile, validateOnly } of starting) {
    const ready = await server.ready;
    const address = `127.0.0.1:${ready['port']}`;
    setUps.push({ name, validateOnly, server, logFile, address, adapters: String(ready['adapters']), ...(await prepareUser(address)) });
  }
  const fullSetUps = setUps.filter((setUp) => !setUp.validateOnly);
  const token = setUps[0]!.token;
  const tracedAddress = `127.0.0.1:${(await traced.ready)['port']}`;
  const tracedUser = await prepareUser(tracedAddress);

  const common = { inFlight: VALIDATE.inFlight, warmUpSeconds: VALIDATE.warmUpSeconds, seconds: VALIDATE.seconds, workDir };
  const logFrom = new Map(setUps.map((s) => [s.name, fs.statSync(s.logFile).size]));
  const validateRounds = async (which: string) => {
    say(
      `ValidateToken (${setUps.map((s) => s.name).join(', ')}) and echo, ${which}: ${VALIDATE.rounds} rounds, each ValidateToken run between two echo runs, of ` +
        `${VALIDATE.warmUpSeconds} s warm-up + ${VALIDATE.seconds} s each, ${VALIDATE.inFlight} in flight`,
    );
    const echoRuns: H2loadResult[] = [];
    const bareEchoRuns: H2loadResult[] = [];
    const validateRuns = new Map<SetUp['name'], H2loadResult[]>(setUps.map((s) => [s.name, []]));
    // The echo figure each ValidateToken run is compared with: the mean of the echo runs just
    // before and just after it, so that the machine's drift between runs cancels out.
    const baselines = new Map<SetUp['name'], number[]>(setUps.map((s) => [s.name, []]));
    const echoAt = (address: string) => h2load({ ...common, address, path: '/bench.v1.Echo/Echo', message: stringField(1, token) });
    const echo = async () => {
      const run = await echoAt(echoAddress);
      echoRuns.push(run);
      return pooled([run]).perSecond;
    };
    // Each round takes the set-ups one place further along, so that none is always last.
    for (let round = 0; round < VALIDATE.rounds; round++) {
      let before = await echo();
      for (let step = 0; step < setUps.length; step++) {
        const setUp = setUps[(round + step) % setUps.length]!;
        const message = ValidateTokenRequest.encode({ token: setUp.token }).finish();
        validateRuns.get(setUp.name)!.push(await h2load({ ...common, address: setUp.address, path: '/clientauth.v1.ClientAuth/ValidateToken', message }));
        const after = await echo();
        baselines.get(setUp.name)!.push((before + after) / 2);
        before = after;
      }
      bareEchoRuns.push(await echoAt(bareEchoAddress));
    }
    return { echoRuns, bareEchoRuns, validateRuns, baselines };
  };
  // First, on servers that have served only their set-up's registration and login, as the
  // echo has served nothing: the handlers are compared, not the processes' histories.
  const { echoRuns, bareEchoRuns, validateRuns, baselines } = await validateRounds('fresh servers');

  // The idle watchers' RSS is a difference (with them open minus before), so the garbage of the
  // ValidateToken rounds above does not count in it.
  const fanouts = new Map<SetUp['name'], SetUpResults['fanout']>();
  for (const setUp of fullSetUps) {
    say(
      `WatchRevocations (${setUp.name}): ${WATCH.idleWatchers} idle watchers, then ${WATCH.samples} suspensions seen by ${WATCH.watchers} watchers, from CPU ${LOAD_CPU}`,
    );
    fanouts.set(
      setUp.name,
      await runNodeChild<NonNullable<SetUpResults['fanout']>>(
        LOAD_CPU,
        path.join(BENCH_DIST, 'watch-fanout.js'),
        [JSON.stringify({ address: setUp.address, serverPid: setUp.server.process.pid, adminEmail: ADMIN.email, adminPassword: ADMIN.password, ...WATCH })],
        { readyTimeoutMs: 120_000, outputFile: path.join(workDir, `fanout-${setUp.name}.log`) },
      ),
    );
  }

  // Again once the servers have served WatchRevocations streams: grpc-js and Node's HTTP/2
  // code answer unary calls more slowly in a process that has served streams (see docs/adr/0005-http2-stream-table-and-pretenuring.md).
  const afterStreams = await validateRounds(`after the WatchRevocations phase (${WATCH.idleWatchers + WATCH.watchers} streams on each full set-up)`);

  say(`ValidateToken with tracing on (1 % sampled, OTLP to a local sink) vs off, shared set-up, ${TRACING_ROUNDS} alternating rounds`);
  const tracing = await measureTracingOverhead(setUps[0]!, { address: tracedAddress, token: tracedUser.token }, sink, { ...common, rounds: TRACING_ROUNDS });
  await traced.stop();
  sink.close();

  const logins = new Map<SetUp['name'], SetUpResults['login']>();
  for (const setUp of fullSetUps) {
    if (ghzBin === null) {
      logins.set(setUp.name, { skipped: ghzMissing });
      continue;
    }
    say(`Login (${setUp.name}) with ghz, ${LOGIN.inFlight} in flight, ${LOGIN.warmUpSeconds} s warm-up + ${LOGIN.seconds} s`);
    logins.set(
      setUp.name,
      await ghz({
        ghz: ghzBin,
        address: setUp.address,
        protoFile: path.join(ROOT, 'proto', 'clientauth', 'v1', 'client_auth.proto'),
        importPath: path.join(ROOT, 'proto'),
        call: 'clientauth.v1.ClientAuth.Login',
        data: { email: setUp.email, password: setUp.password },
        concurrency: LOGIN.inFlight,
        warmUpSeconds: LOGIN.warmUpSeconds,
        seconds: LOGIN.seconds,
      }),
    );
  }

  const refreshes = new Map<SetUp['name'], SetUpResults['refresh']>();
  const driveRefreshes = (label: string, user: { address: string; email: string; password: string }) =>
    runNodeChild<RefreshFigures>(
      LOAD_CPU,
      path.join(BENCH_DIST, 'refresh-driver.js'),
      [JSON.stringify({ address: user.address, email: user.email, password: user.password, ...REFRESH })],
      { readyTimeoutMs: (REFRESH.warmUpSeconds + REFRESH.seconds + 60) * 1000, outputFile: path.join(workDir, `refresh-${label}.log`) },
    );
  for (const setUp of fullSetUps) {
    say(
      `RefreshToken (${setUp.name}) with a Node client on CPU ${LOAD_CPU}, ${REFRESH.sessions} chained sessions, ` +
        `${REFRESH.warmUpSeconds} s warm-up + ${REFRESH.seconds} s`,
    );
    refreshes.set(setUp.name, await driveRefreshes(setUp.name, setUp));
  }
  // The same refreshes over stock FerretDB, whose `_id` lookups read the whole collection
  // (test/support/ferretdb/id_lookup_index.go): the figure the shared set-up had before our build of
  // FerretDB added the index those lookups use.
  let refreshStockFerret: RefreshFigures | null = null;
  if (fullSetUps.some((setUp) => setUp.name === 'shared')) {
    say('RefreshToken (shared) again, over stock FerretDB, whose _id lookups scan');
    const stockUri = await startFerret({ stock: true });
    const stock = startServer('shared', { ...sharedEnv('stock_'), MONGODB_URI: stockUri }, false, 'shared-stock-ferretdb');
    const address = `127.0.0.1:${(await stock.server.ready)['port']}`;
    refreshStockFerret = await driveRefreshes('shared-stock-ferretdb', { address, ...(await prepareUser(address)) });
    await stock.server.stop();
  }

  const storms = new Map<SetUp['name'], StormFigures>();
  for (const setUp of setUps) {
    say(
      `Login storm (${setUp.name}): waves of ${STORM.storm} concurrent wrong-password logins each second for ${STORM.seconds} s, with ValidateToken and a real user's logins`,
    );
    storms.set(
      setUp.name,
      await runNodeChild<StormFigures>(
        LOAD_CPU,
        path.join(BENCH_DIST, 'storm-driver.js'),
        [JSON.stringify({ address: setUp.address, email: setUp.email, password: setUp.password, token: setUp.token, ...STORM })],
        { readyTimeoutMs: (STORM.seconds + 60) * 1000, outputFile: path.join(workDir, `storm-${setUp.name}.log`) },
      ),
    );
  }

  for (const setUp of setUps) await setUp.server.stop();
  await echoServer.stop();
  await bareEchoServer.stop();
  say('common-password blocklist checks');
  const blocklist = measureBlocklist();

  say(`raw bcrypt.compare on CPU ${SERVER_CPU}, cost ${BCRYPT.cost}, ${LOGIN.inFlight} in flight, ${BCRYPT.warmUpSeconds} s warm-up + ${BCRYPT.seconds} s`);
  const bcrypt = await runNodeChild<Results['bcrypt']>(
    SERVER_CPU,
    path.join(BENCH_DIST, 'bcrypt-baseline.js'),
    [
      JSON.stringify({
        cost: BCRYPT.cost,
        password: setUps[0]!.password,
        inFlight: LOGIN.inFlight,
        warmUpSeconds: BCRYPT.warmUpSeconds,
        seconds: BCRYPT.seconds,
      }),
    ],
    { readyTimeoutMs: (BCRYPT.warmUpSeconds + BCRYPT.seconds + 60) * 1000, outputFile: path.join(workDir, 'bcrypt.log') },
  );

  const { jwt, asymmetric } = await measureVerification(workDir, secret);
  if (options.cpuProfile) say(`server CPU profiles written to ${profileDir}`);

  return {
    echo: pooled(echoRuns),
    echoRounds: echoRuns.map((run) => pooled([run]).perSecond),
    bareEchoRounds: bareEchoRuns.map((run) => pooled([run]).perSecond),
    afterStreams: {
      echo: pooled(afterStreams.echoRuns),
      echoRounds: afterStreams.echoRuns.map((run) => pooled([run]).perSecond),
      bareEchoRounds: afterStreams.bareEchoRuns.map((run) => pooled([run]).perSecond),
      setUps: setUps.map((setUp) => ({
        name: setUp.name,
        validate: pooled(afterStreams.validateRuns.get(setUp.name)!),
        validateRounds: afterStreams.validateRuns.get(setUp.name)!.map((run) => pooled([run]).perSecond),
        baselineRounds: afterStreams.baselines.get(setUp.name)!,
      })),
    },
    setUps: setUps.map((setUp) => ({
      name: setUp.name,
      adapters: setUp.adapters,
      validate: pooled(validateRuns.get(setUp.name)!),
      validateRounds: validateRuns.get(setUp.name)!.map((run) => pooled([run]).perSecond),
      baselineRounds: baselines.get(setUp.name)!,
      // Counted once the server has exited, so its log is flushed; no later phase calls ValidateToken.
      validateLog: countLoggedCalls(setUp.logFile, logFrom.get(setUp.name)!, 'ValidateToken'),
      login: logins.get(setUp.name) ?? null,
      refresh: refreshes.get(setUp.name) ?? null,
      fanout: fanouts.get(setUp.name) ?? null,
      storm: storms.get(setUp.name)!,
    })),
    bcrypt,
    jwt,
    asymmetric,
    tokenLength: token.length,
    blocklist,
    tracing,
    refreshStockFerret,
  };
}

/** Token verification on the server's core: HS256 (jsonwebtoken baselines) and ES256 and EdDSA (raw crypto.verify baselines). */
async function measureVerification(workDir: string, secret = randomBytes(48).toString('base64url')): Promise<Pick<Results, 'jwt' | 'asymmetric'>> {
  say(`HS256 verification on CPU ${SERVER_CPU}`);
  const jwt = await runNodeChild<Results['jwt']>(
    SERVER_CPU,
    path.join(BENCH_DIST, 'jwt-verify.js'),
    [JSON.stringify({ secret, issuer: ISSUER, audience: AUDIENCE, ...JWT })],
    { readyTimeoutMs: 60_000, outputFile: path.join(workDir, 'jwt.log') },
  );
  say(`ES256 and EdDSA verification on CPU ${SERVER_CPU}`);
  const asymmetric = await runNodeChild<Results['asymmetric']>(
    SERVER_CPU,
    path.join(BENCH_DIST, 'asymmetric-verify.js'),
    [JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, ...ASYMMETRIC })],
    { readyTimeoutMs: 120_000, outputFile: path.join(workDir, 'asymmetric.log') },
  );
  return { jwt, asymmetric };
}

/** V8 CPU profiles of the servers, into .cache/bench-profiles/, when --cpu-prof asks for them. */
function profileFlags(options: Options): string[] {
  return options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, '.cache', 'bench-profiles')}`] : [];
}

interface LogCount {
  ok: number;
  notOk: Record<string, number>;
}

/** The calls of `method` the server logged after byte `from`, by status: its record of how they ended. */
function countLoggedCalls(logFile: string, from: number, method: string): LogCount {
  const text = readFrom(logFile, from);
  const count: LogCount = { ok: 0, notOk: {} };
  for (const line of text.split('\n')) {
    if (!line.includes(`"method":"${method}"`)) continue;
    const code = /"code":"([A-Z_]+)"/.exec(line)?.[1] ?? 'unknown';
    if (code === 'OK') count.ok += 1;
    else count.notOk[code] = (count.notOk[code] ?? 0) + 1;
  }
  return count;
}

function readFrom(file: string, from: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const length = fs.fstatSync(fd).size - from;
    const buffer = Buffer.alloc(Math.max(0, length));
    fs.readSync(fd, buffer, 0, buffer.length, from);
    return buffer.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** A protobuf message with one string field: tag, varint length, UTF-8 bytes. */
function stringField(fieldNumber: number, text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  const length: number[] = [];
  let n = bytes.length;
  while (n >= 0x80) {
    length.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  length.push(n);
  return Buffer.concat([Buffer.from([(fieldNumber << 3) | 2, ...length]), bytes]);
}

// --- the report -------------------------------------------------------------------------

function printReport(r: Results, options: Options): void {
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  const pinning = pinningProblem();
  out();
  out('client-auth benchmark');
  out(`  node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'})`);
  out(pinning ? `  NOT pinned: ${pinning}` : `  servers and in-process baselines on CPU ${SERVER_CPU}; load generators, FerretDB and Redis on CPU ${LOAD_CPU}`);
  out(
    `  server: LOG_LEVEL=${options.logLevel}, ACCESS_LOG_SAMPLE=${process.env['ACCESS_LOG_SAMPLE'] ?? '0'}, BCRYPT_COST=${BCRYPT.cost}, ` +
      `JWT_ALGORITHM=ES256 unless said, metrics ${options.metrics ? 'on' : 'off (METRICS_PORT unset)'}`,
  );
  const where: Record<SetUpName, string> = {
    shared: ` (the primary figure): FerretDB (SQLite backend) and Redis on CPU ${LOAD_CPU}`,
    embedded: `: all in the server process on CPU ${SERVER_CPU}`,
    'embedded, EdDSA': `: as embedded, signing EdDSA (ValidateToken only)`,
  };
  for (const s of r.setUps) out(`  ${s.name} set-up${where[s.name]}; the server reports "${s.adapters.split(' — ')[0]}"`);
  out();

  out(`ValidateToken vs a grpc-js echo with client-auth's GC fixes (stream tables, no pretenuring: src/transport/grpc/stream-table.ts):`);
  out(`  h2load, one HTTP/2 connection, ${VALIDATE.inFlight} calls in flight,`);
  out(
    `  ${VALIDATE.rounds} rounds of ${VALIDATE.seconds} s runs after ${VALIDATE.warmUpSeconds} s warm-up, each ValidateToken run between two echo runs (a round's`,
  );
  out(`  ratio is to their mean); echo carries a ${r.tokenLength}-character string (the token);`);
  out(`  first on servers that have served only their set-up's registration and login (the echo has served nothing)`);
  out(row('', 'calls/s', 'p50 ms', 'p99 ms'));
  out(row('  echo (baseline)', int(r.echo.perSecond), ms(r.echo.p50Ms), ms(r.echo.p99Ms)));
  for (const s of r.setUps) out(row(`  ValidateToken, ${s.name}`, int(s.validate.perSecond), ms(s.validate.p50Ms), ms(s.validate.p99Ms)));
  for (const s of r.setUps) {
    out(
      row(`  ${s.name} / echo`, ratio(s.validate.perSecond / r.echo.perSecond), ratio(s.validate.p50Ms / r.echo.p50Ms), ratio(s.validate.p99Ms / r.echo.p99Ms)),
    );
  }
  out(row('  target', `>= ${TARGETS.validateThroughput.toFixed(2)}`, '', `< ${TARGETS.validateP99Ms} ms`));
  for (const s of r.setUps) {
    out(
      row(
        `  result, ${s.name}`,
        verdict(s.validate.perSecond / r.echo.perSecond >= TARGETS.validateThroughput),
        '',
        verdict(s.validate.p99Ms < TARGETS.validateP99Ms),
      ),
    );
  }
  for (const s of r.setUps) {
    const notOk = Object.entries(s.validateLog.notOk);
    const logged =
      s.validateLog.ok + notOk.length === 0
        ? `no ValidateToken calls (LOG_LEVEL=${options.logLevel}, ACCESS_LOG_SAMPLE=${process.env['ACCESS_LOG_SAMPLE'] ?? '0'}: ` +
          'ordinary outcomes of the gateway checks are not logged), so their statuses are unchecked'
        : `${int(s.validateLog.ok)} ValidateToken calls OK${notOk.length ? `, NOT OK: ${notOk.map(([c, n]) => `${n} ${c}`).join(', ')}` : ', none failed'}`;
    out(
      `  checks, ${s.name}: h2load saw ${s.validate.failed === 0 ? 'no failed streams' : `${s.validate.failed} failed streams`}; the server logged ${logged}`,
    );
  }
  const rounds = (runs: number[]) => runs.map((n) => int(n)).join(' / ');
  out(
    `  each round, calls/s, and the mean of the echo runs either side of it: ${r.setUps.map((s) => `${s.name} ${rounds(s.validateRounds)} (echo ${rounds(s.baselineRounds)})`).join('; ')}`,
  );
  const byRound = (name: string, validateRounds: number[], baselineRounds: number[]) => {
    const ratios = validateRounds.map((calls, i) => calls / baselineRounds[i]!);
    const sorted = [...ratios].sort((a, b) => a - b);
    return (
      `${name} / echo by round: ${ratios.map((x) => ratio(x)).join(' / ')} (median ${ratio(sorted[Math.floor(sorted.length / 2)]!)}, ` +
      `spread ${ratio(sorted[0]!)} to ${ratio(sorted[sorted.length - 1]!)})`
    );
  };
  for (const s of r.setUps) out(`  ${byRound(s.name, s.validateRounds, s.baselineRounds)}`);
  // The round's last echo run comes just before its bare echo run.
  const bareLine = (echoRounds: number[], bareRounds: number[]) => {
    const perRound = echoRounds.length / bareRounds.length;
    const ratios = bareRounds.map((bare, i) => bare / echoRounds[(i + 1) * perRound - 1]!);
    return `calls/s ${rounds(bareRounds)}; bare / echo, by round: ${ratios.map((x) => ratio(x)).join(' / ')}`;
  };
  out(`  the bare grpc-js echo (without the GC fixes), one run a round: ${bareLine(r.echoRounds, r.bareEchoRounds)}`);
  const againstBare = (validateRounds: number[], bareRounds: number[]) => validateRounds.map((calls, i) => ratio(calls / bareRounds[i]!)).join(' / ');
  out(
    `  ValidateToken / the bare echo, each round's run against that round's bare run: ${r.setUps.map((s) => `${s.name} ${againstBare(s.validateRounds, r.bareEchoRounds)}`).join('; ')}`,
  );
  const after = r.afterStreams;
  out(`  the same rounds after the WatchRevocations phase (${WATCH.idleWatchers + WATCH.watchers} streams on each full set-up; the echo served none):`);
  out(
    `    calls/s: echo ${int(after.echo.perSecond)}; ${after.setUps.map((s) => `${s.name} ${int(s.validate.perSecond)} (${ratio(s.validate.perSecond / after.echo.perSecond)})`).join('; ')}`,
  );
  for (const s of after.setUps) out(`    ${byRound(s.name, s.validateRounds, s.baselineRounds)}`);
  out(`    the bare echo: ${bareLine(after.echoRounds, after.bareEchoRounds)}`);
  out(`    ValidateToken / the bare echo: ${after.setUps.map((s) => `${s.name} ${againstBare(s.validateRounds, after.bareEchoRounds)}`).join('; ')}`);
  const echoMeanMs = (VALIDATE.inFlight / r.echo.perSecond) * 1000;
  if (echoMeanMs >= TARGETS.validateP99Ms / 2) {
    out(`  note: with ${VALIDATE.inFlight} calls in flight the mean latency is in flight / throughput: ${ms(echoMeanMs)} ms for the echo`);
    out(`        itself, so a p99 under ${TARGETS.validateP99Ms} ms at this concurrency needs more than one core's throughput`);
  }
  out();

  out(`ValidateToken with tracing on vs off (shared set-up): OTEL_EXPORTER_OTLP_ENDPOINT set, 1 % of traces sampled`);
  out(`  (parentbased_traceidratio), spans batched to a local OTLP sink; ${TRACING_ROUNDS} alternating rounds, as above`);
  out(row('', 'calls/s', 'p50 ms', 'p99 ms'));
  out(row('  tracing off', int(r.tracing.off.perSecond), ms(r.tracing.off.p50Ms), ms(r.tracing.off.p99Ms)));
  out(row('  tracing on, 1 %', int(r.tracing.on.perSecond), ms(r.tracing.on.p50Ms), ms(r.tracing.on.p99Ms)));
  out(
    row(
      '  on / off',
      ratio(r.tracing.on.perSecond / r.tracing.off.perSecond),
      ratio(r.tracing.on.p50Ms / r.tracing.off.p50Ms),
      ratio(r.tracing.on.p99Ms / r.tracing.off.p99Ms),
    ),
  );
  out(`  checks: the sink received ${r.tracing.exports} trace exports; h2load saw ${r.tracing.on.failed + r.tracing.off.failed} failed streams`);
  out();

  out(
    `Login vs raw bcrypt.compare at cost ${BCRYPT.cost}, ${LOGIN.inFlight} in flight, both on CPU ${SERVER_CPU}, ${LOGIN.seconds} s after ${LOGIN.warmUpSeconds} s warm-up`,
  );
  out(row('', 'per s', 'p50 ms', 'p99 ms'));
  out(row('  bcrypt.compare (baseline)', num(r.bcrypt.perSecond), '', ''));
  const full = r.setUps.flatMap((s) => (s.login && s.refresh ? [{ ...s, login: s.login, refresh: s.refresh }] : []));
  for (const s of full) {
    if ('skipped' in s.login) out(`  Login, ${s.name}: not measured (${s.login.skipped})`);
    else out(row(`  Login, ${s.name} (ghz)`, num(s.login.perSecond), ms(s.login.p50Ms), ms(s.login.p99Ms)));
  }
  for (const s of full) if (!('skipped' in s.login)) out(row(`  ${s.name} / bcrypt.compare`, ratio(s.login.perSecond / r.bcrypt.perSecond), '', ''));
  out(row('  target', `>= ${TARGETS.loginThroughput.toFixed(2)}`, '', ''));
  for (const s of full) {
    if ('skipped' in s.login) continue;
    out(row(`  result, ${s.name}`, verdict(s.login.perSecond / r.bcrypt.perSecond >= TARGETS.loginThroughput), '', ''));
  }
  for (const s of full) {
    if ('skipped' in s.login) continue;
    const statuses = Object.entries(s.login.statuses)
      .map(([code, n]) => `${n} ${code}`)
      .join(', ');
    out(`  checks, ${s.name}: ghz statuses of the calls that ended in the window: ${statuses}`);
  }
  if (r.bcrypt.mismatches) out(`  checks: bcrypt.compare said "no match" ${r.bcrypt.mismatches} times`);
  out();

  out(`RefreshToken: a Node gRPC client on CPU ${LOAD_CPU} (not a native generator: each call needs the previous answer's token),`);
  out(`  ${REFRESH.sessions} sessions each chaining refreshes, ${REFRESH.seconds} s after ${REFRESH.warmUpSeconds} s warm-up`);
  out(row('', 'per s', 'p50 ms', 'p99 ms'));
  const refreshRows = [
    ...full.map((s) => ({ name: s.name, refresh: s.refresh })),
    ...(r.refreshStockFerret ? [{ name: 'shared, stock FerretDB', refresh: r.refreshStockFerret }] : []),
  ];
  for (const s of refreshRows) out(row(`  RefreshToken, ${s.name}`, num(s.refresh.perSecond), ms(s.refresh.p50Ms), ms(s.refresh.p99Ms)));
  out(row('  target', `>= ${int(TARGETS.refreshShared)} shared, >= ${int(TARGETS.refreshEmbedded)} embedded`, '', ''));
  for (const s of full) {
    const target = s.name === 'shared' ? TARGETS.refreshShared : TARGETS.refreshEmbedded;
    out(row(`  result, ${s.name}`, verdict(s.refresh.perSecond >= target), '', ''));
  }
  for (const s of refreshRows) {
    const failures = Object.entries(s.refresh.failures);
    out(
      `  checks, ${s.name}: ${int(s.refresh.refreshes)} refreshes measured, ${failures.length ? `FAILED: ${failures.map(([c, n]) => `${n} ${c}`).join(', ')}` : 'none failed'}` +
        `; the driver used ${num(s.refresh.driverCpuShare * 100)} % of its core`,
    );
  }
  out();

  out(`WatchRevocations: ${WATCH.watchers} watchers on connections of their own, from a Node client on CPU ${LOAD_CPU}`);
  out(row('', 'p50 ms', 'p99 ms', 'idle RSS MB'));
  for (const s of r.setUps) {
    if (!s.fanout) continue;
    out(row(`  returned -> all, ${s.name}`, ms(s.fanout.p50Ms), ms(s.fanout.p99Ms), num(s.fanout.idleRssMb)));
    out(row(`  sent -> all, ${s.name}`, ms(s.fanout.fromSentP50Ms), ms(s.fanout.fromSentP99Ms), ''));
  }
  out(`  from SuspendClient returning (or being sent) to the last of the watchers having the event, over ${WATCH.samples} suspensions;`);
  out(`  idle RSS: the server's resident set with ${WATCH.idleWatchers} open, quiet watchers, minus before (target < 30 MB)`);
  out();

  for (const line of verificationReport(r)) out(line);

  out(
    `Login storm: waves of ${STORM.storm} concurrent wrong-password logins (distinct emails and client IPs) each second for ${STORM.seconds} s, default hashing queue`,
  );
  for (const s of r.setUps) for (const line of stormReport(s.name, s.storm)) out(line);
  out(
    `Common-password blocklist: ${int(r.blocklist.entries)} entries, read from dist/common-passwords.txt in ${r.blocklist.buildMs.toFixed(0)} ms, ` +
      `${r.blocklist.microsPerCheck.toFixed(2)} µs per check (target < 1 ms: ${r.blocklist.microsPerCheck < 1000 ? 'met' : 'NOT met'})`,
  );
  out();
  process.stdout.write(`${lines.join('\n')}\n`);
}

function verificationReport(r: Pick<Results, 'jwt' | 'asymmetric'>): string[] {
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  out(
    `ES256 and EdDSA verification on one core, best of 3 alternating rounds of ${ASYMMETRIC.seconds / 3} s: JwtTokenIssuer.verify (awaited, 8 in flight) against raw crypto.verify`,
  );
  out(row('', 'per s', 'ratio', ''));
  for (const algorithm of ['ES256', 'EdDSA'] as const) {
    const a = r.asymmetric[algorithm];
    out(row(`  ${algorithm} crypto.verify (floor)`, int(a.rawVerify), '1.00', ''));
    out(row(`  ${algorithm} verify, new token`, int(a.newToken), ratio(a.newToken / a.rawVerify), ''));
    out(row(`  ${algorithm} verify, same token`, int(a.sameToken), ratio(a.sameToken / a.rawVerify), ''));
  }
  out();

  out(`HS256 verification on one core (jsonwebtoken), ${JWT.seconds} s each`);
  out(row('', 'per s', 'ratio', ''));
  out(row('  jwt.verify, string secret', int(r.jwt.stringSecret), '1.00', ''));
  out(row('  jwt.verify, KeyObject', int(r.jwt.keyObject), ratio(r.jwt.keyObject / r.jwt.stringSecret), ''));
  out(row('  JwtTokenIssuer.verify, new token', int(r.jwt.tokenIssuerNewToken), ratio(r.jwt.tokenIssuerNewToken / r.jwt.stringSecret), ''));
  out(row('  JwtTokenIssuer.verify, same token', int(r.jwt.tokenIssuerSameToken), ratio(r.jwt.tokenIssuerSameToken / r.jwt.stringSecret), ''));
  const usesKeyObject = r.jwt.tokenIssuerNewToken > Math.sqrt(r.jwt.keyObject * r.jwt.stringSecret);
  out(
    `  the hot path (JwtTokenIssuer.verify) checks a token it has not seen at ${ratio(r.jwt.tokenIssuerNewToken / r.jwt.keyObject)} of the KeyObject rate: ` +
      (usesKeyObject ? 'it uses the KeyObject' : 'it pays the string-secret cost'),
  );
  out();
  return lines;
}

function row(label: string, a: string, b: string, c: string): string {
  return `${label.padEnd(30)}${a.padStart(12)}${b.padStart(10)}${c.padStart(13)}`.trimEnd();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
