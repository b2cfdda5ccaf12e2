/**
 * The OpenID Provider's figures (`npm run bench -- --oidc-only`), on `main.js` (service and
 * bridge in one process, the provider in the bridge) on the embedded set-up, pinned to the
 * server core, with the load on the other:
 *
 *   client credentials   POST /oidc/token, grant_type=client_credentials with HTTP Basic,
 *                        by h2load over HTTP/1.1 keep-alive connections; beside it the same
 *                        service client's IssueServiceToken over gRPC (ghz), the way that
 *                        existed before, in the same run
 *   code + PKCE          full round trips without a browser (test/bench/oidc-round-trip-driver.ts):
 *                        authorize, the hosted sign-in by form post with a cookie jar, the
 *                        redirect with the code, the token exchange; once signing in every
 *                        time (the password hash included), once with the provider's session
 *                        already there (what an app pays per sign-in after the first)
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';
import { freePort } from '../support/paths.js';
import { measured } from './browser-path.js';
import { num } from './format.js';
import { cpuSeconds, type HttpLoadResult } from './http-load.js';
import { ghz, type LoadFigures, pooled } from './load-generators.js';
import { type MainProcess, startMainProcess } from './main-process.js';
import { LOAD_CPU, runNodeChild, SERVER_CPU } from './processes.js';

/** Three rounds of 8 s after 2 s of warm-up: the machine is shared, so a round alone says little. */
export const OIDC_BENCH = { rounds: 3, warmUpSeconds: 2, seconds: 8, connections: 16 };
/** Four people signing in at once each time: more only queue their bcrypt hashes past HASH_QUEUE_WAIT_MS on one core. */
export const ROUND_TRIPS = { flows: { signIn: 4, session: 8 }, warmUpSeconds: 2, seconds: 10 };
/** As the other phases' logins (the service's default is 12). */
const BCRYPT_COST = 10;
const TARGETS = { clientCredentialsPerSecond: 1500 };
const ADMIN = { email: 'oidc-bench-admin@example.com', password: `bench-admin-${randomBytes(9).toString('base64url')}` };

export interface RoundTripFigures {
  perSecond: number;
  roundTrips: number;
  p50Ms: number;
  p99Ms: number;
  failures: Record<string, number>;
}

/** The server's CPU time per answered call over the measured windows (user + system, from /proc), in microseconds. */
interface ServerCpu {
  cpuUsPerCall: number;
}

export interface OidcResults {
  clientCredentials: LoadFigures & ServerCpu & { rounds: number[]; statuses: HttpLoadResult['statuses'] };
  issueServiceToken: (LoadFigures & ServerCpu & { statuses: Record<string, number> }) | { skipped: string };
  roundTrips: { signIn: RoundTripFigures; session: RoundTripFigures };
}

export interface OidcBenchContext {
  root: string;
  distDir: string;
  workDir: string;
  ghz: string | null;
  logLevel: string;
  /** Node flags for main.js (--cpu-prof writes its CPU profile). */
  nodeFlags: string[];
  say(line: string): void;
}

export async function measureOidc(context: OidcBenchContext): Promise<OidcResults> {
  const { say, workDir } = context;
  say(`OpenID Provider: node dist/src/main.js (embedded) on CPU ${SERVER_CPU}, load on CPU ${LOAD_CPU}`);
  const main = await startProvider(workDir, context.logLevel, context.nodeFlags);
  try {
    const grpcAddress = `127.0.0.1:${main.grpcPort}`;
    const bridgeUrl = `http://127.0.0.1:${main.bridgePort}`;
    const service = await registerService(grpcAddress);
    const basic = Buffer.from(`${encodeURIComponent(service.id)}:${encodeURIComponent(service.secret)}`).toString('base64');
    const check = await fetch(`${bridgeUrl}/oidc/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (check.status !== 200) throw new Error(`the token endpoint refused the bench's service client: ${check.status} ${await check.text()}`);

    const runs: Array<HttpLoadResult & { cpu: number }> = [];
    for (let round = 1; round <= OIDC_BENCH.rounds; round++) {
      say(`client credentials: POST /oidc/token, ${OIDC_BENCH.connections} connections, round ${round} of ${OIDC_BENCH.rounds}`);
      runs.push(
        await measured(main.pid, {
          url: `${bridgeUrl}/oidc/token`,
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
          protocol: 'http1',
          inFlight: OIDC_BENCH.connections,
          warmUpSeconds: OIDC_BENCH.warmUpSeconds,
          seconds: OIDC_BENCH.seconds,
          workDir,
        }),
      );
    }
    const statuses = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
    for (const run of runs) for (const key of Object.keys(statuses) as Array<keyof typeof statuses>) statuses[key] += run.statuses[key];
    const figures = pooled(runs);
    const cpuUsPerCall = (runs.reduce((sum, run) => sum + run.cpu, 0) * 1e6) / Math.max(1, figures.calls);
    const clientCredentials = { ...figures, cpuUsPerCall, rounds: runs.map((run) => run.latenciesUs.length / run.seconds), statuses };

    let issueServiceToken: OidcResults['issueServiceToken'] = { skipped: 'ghz is missing' };
    if (context.ghz) {
      say(`IssueServiceToken for the same service client: ghz, ${OIDC_BENCH.connections} in flight`);
      // ghz runs warm-up, window and a second's tail: the server's CPU is read at the window's ends.
      const cpuAt: number[] = [];
      const timers = [OIDC_BENCH.warmUpSeconds, OIDC_BENCH.warmUpSeconds + OIDC_BENCH.seconds].map((at) =>
        setTimeout(() => cpuAt.push(cpuSeconds(main.pid)), at * 1000),
      );
      const grpc = await ghz({
        ghz: context.ghz,
        address: grpcAddress,
        protoFile: path.join(context.root, 'proto', 'clientauth', 'v1', 'client_auth.proto'),
        importPath: path.join(context.root, 'proto'),
        call: 'clientauth.v1.ClientAuth.IssueServiceToken',
        data: { client_id: service.id, client_secret: service.secret },
        concurrency: OIDC_BENCH.connections,
        warmUpSeconds: OIDC_BENCH.warmUpSeconds,
        seconds: OIDC_BENCH.seconds,
      });
      for (const timer of timers) clearTimeout(timer);
      const windowCpu = cpuAt.length === 2 ? cpuAt[1]! - cpuAt[0]! : Number.NaN;
      issueServiceToken = { ...grpc, cpuUsPerCall: (windowCpu * 1e6) / Math.max(1, grpc.calls - grpc.failed) };
    }

    const roundTrips = await measureRoundTrips(context, grpcAddress, bridgeUrl);
    return { clientCredentials, issueServiceToken, roundTrips };
  } finally {
    await main.stop();
  }
}

async function startProvider(workDir: string, logLevel: string, nodeFlags: string[]): Promise<MainProcess> {
  const bridgePort = await freePort();
  return startMainProcess(
    {
      DATA_DIR: path.join(workDir, 'oidc-embedded-data'),
      JWT_ALGORITHM: 'ES256',
      BCRYPT_COST: String(BCRYPT_COST),
      KEY_ENCRYPTION_KEY: randomBytes(48).toString('base64url'),
      PUBLIC_URL: `http://127.0.0.1:${bridgePort}`,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: logLevel,
      GRPC_HOST: '127.0.0.1',
      BRIDGE_HOST: '127.0.0.1',
      // A shared, loaded machine must not turn slow sign-ins into 503s.
      BRIDGE_CALL_TIMEOUT_MS: '30000',
      // Every flow comes from 127.0.0.1: the per-source limits are not what is measured.
      LOGIN_IP_MAX_FAILURES: '1000000',
      SERVICE_TOKEN_IP_MAX_FAILURES: '1000000',
    },
    { logFile: path.join(workDir, 'oidc-main.log'), bridgePort, nodeFlags },
  );
}

async function registerService(grpcAddress: string): Promise<{ id: string; secret: string }> {
  const api = createClientAuthClient(grpcAddress, { deadlineMs: 10_000 });
  try {
    const token = (await api.login(ADMIN)).accessToken;
    const answer = await api.registerService({ email: `oidc-bench-${Date.now().toString(36)}@example.com`, name: 'OIDC bench', groups: [] }, { token });
    return { id: answer.client!.id, secret: answer.clientSecret };
  } finally {
    api.close();
  }
}

export function oidcReport(results: OidcResults, row: (label: string, a: string, b: string, c: string) => string): string[] {
  const { clientCredentials: cc } = results;
  const lines = [
    '',
    `OpenID Provider, embedded set-up, main.js on CPU ${SERVER_CPU}, load on CPU ${LOAD_CPU}`,
    row('', 'per second', 'p50', 'p99'),
    row(
      `  client credentials (POST /oidc/token, ${OIDC_BENCH.connections} conns)`,
      num(cc.perSecond),
      `${cc.p50Ms.toFixed(1)} ms`,
      `${cc.p99Ms.toFixed(1)} ms`,
    ),
    `    rounds: ${cc.rounds.map(num).join(', ')} per second; target >= ${num(TARGETS.clientCredentialsPerSecond)}/s: ${cc.perSecond >= TARGETS.clientCredentialsPerSecond ? 'met' : 'below target'}; statuses ${JSON.stringify(cc.statuses)}`,
    `    server CPU ${num(cc.cpuUsPerCall)} us per token`,
  ];
  const ist = results.issueServiceToken;
  if ('skipped' in ist) lines.push(`  IssueServiceToken (gRPC): skipped, ${ist.skipped}`);
  else
    lines.push(
      row(`  IssueServiceToken (gRPC, ${OIDC_BENCH.connections} in flight)`, num(ist.perSecond), `${ist.p50Ms.toFixed(1)} ms`, `${ist.p99Ms.toFixed(1)} ms`),
      `    server CPU ${num(ist.cpuUsPerCall)} us per token; the token endpoint reaches ${(cc.perSecond / ist.perSecond).toFixed(2)} of its rate and costs ${(cc.cpuUsPerCall / ist.cpuUsPerCall).toFixed(2)} of its CPU per token`,
    );
  for (const [label, mode] of [
    [`code + PKCE, signing in each time (bcrypt cost ${BCRYPT_COST})`, 'signIn'],
    ['code + PKCE, provider session kept', 'session'],
  ] as const) {
    const figures = results.roundTrips[mode];
    lines.push(
      row(`  ${label} (${ROUND_TRIPS.flows[mode]} flows)`, num(figures.perSecond), `${figures.p50Ms.toFixed(1)} ms`, `${figures.p99Ms.toFixed(1)} ms`),
    );
    if (Object.keys(figures.failures).length > 0) lines.push(`    failures: ${JSON.stringify(figures.failures)}`);
  }
  return lines;
}

async function measureRoundTrips(context: OidcBenchContext, grpcAddress: string, bridgeUrl: string): Promise<OidcResults['roundTrips']> {
  const run = (mode: 'signIn' | 'session') => {
    context.say(
      `code + PKCE round trips (${mode === 'signIn' ? 'signing in each time' : 'provider session kept'}), ${ROUND_TRIPS.flows[mode]} flows on CPU ${LOAD_CPU}`,
    );
    return runNodeChild<RoundTripFigures>(
      LOAD_CPU,
      path.join(context.distDir, 'oidc-round-trip-driver.js'),
      [JSON.stringify({ grpcAddress, bridgeUrl, admin: ADMIN, mode, ...ROUND_TRIPS, flows: ROUND_TRIPS.flows[mode] })],
      { readyTimeoutMs: (ROUND_TRIPS.warmUpSeconds + ROUND_TRIPS.seconds + 90) * 1000, outputFile: path.join(context.workDir, `oidc-round-trips-${mode}.log`) },
    );
  };
  return { signIn: await run('signIn'), session: await run('session') };
}
