/**
 * The gateway benchmarks of `npm run bench`, each a ratio to a baseline measured in the
 * same rounds on the same core:
 *
 *   GET /auth (forward auth)  vs a bare Koa route in the same process  (HTTP/1.1, keep-alive pool)
 *   ext_authz Check           vs the grpc-js echo with client-auth's GC fixes (h2load, one HTTP/2 connection)
 *   NGINX with auth_request   vs NGINX proxying the same application without it
 *
 * The server is `main.js all` as one process (gRPC server and bridge, forward auth asking
 * the service in process) on the embedded set-up; its baselines live in the same process,
 * and NGINX's workers are pinned to the same core, so every ratio is what the check costs
 * on a core already doing the rest.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ChannelCredentials } from '@grpc/grpc-js';
import { ValidateTokenRequest } from '../../gen/clientauth/v1/client_auth.js';
import { AuthorizationClient, CheckRequest, type CheckResponse } from '../../gen/envoy/service/auth/v3/external_auth.js';
import { gatewayBinary, type RunningGateway, startGateway, startPlainNginx } from '../integration/gateways/real-gateways.js';
import { prepareUser } from './bench-user.js';
import { type H2loadResult, h1load, h2load, pooled } from './load-generators.js';
import { type NodeChild, pinned, SERVER_CPU, startNodeChild } from './processes.js';

/** Rounds of 10 s, as ValidateToken's in run.ts (a shorter round samples the garbage collector's irregular cycle). */
export const GATEWAY_BENCH = { rounds: 3, warmUpSeconds: 1, seconds: 10, connections: 16, inFlight: 64 };
const TARGETS = { forwardAuth: 0.7, check: 0.7 };

interface Pair {
  measured: H2loadResult[];
  baseline: H2loadResult[];
}

export interface GatewayResults {
  forwardAuth: Pair;
  check: Pair;
  nginx: Pair | { skipped: string };
  accessLogSample: string;
}

export interface GatewayBenchContext {
  distDir: string;
  workDir: string;
  children: NodeChild[];
  nodeFlags: string[];
  logLevel: string;
  say(line: string): void;
}

export async function measureGateways(context: GatewayBenchContext): Promise<GatewayResults> {
  const { say, workDir } = context;
  const start = (name: string, script: string, env: Record<string, string> = {}, args: string[] = []) => {
    const child = startNodeChild(SERVER_CPU, path.join(context.distDir, script), args, {
      readyTimeoutMs: 60_000,
      outputFile: path.join(workDir, `${name}.log`),
      nodeFlags: context.nodeFlags,
      env,
    });
    context.children.push(child);
    return child;
  };
  const accessLogSample = process.env['ACCESS_LOG_SAMPLE'] ?? '0';
  say(
    `gateways: starting client-auth (gRPC + bridge in one process, embedded set-up, ACCESS_LOG_SAMPLE=${accessLogSample}) and the echo baseline on CPU ${SERVER_CPU}`,
  );
  const echo = start('gateway-echo', 'echo-server.js', {}, ['--as-client-auth']);
  const server = start('gateway-server', 'gateway-server.js', {
    JWT_SECRET_KEY: randomBytes(48).toString('base64url'),
    BCRYPT_COST: '4',
    LOG_LEVEL: context.logLevel,
    ACCESS_LOG_SAMPLE: accessLogSample,
    DATA_DIR: path.join(workDir, 'gateway-data'),
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_PORT: '0',
  });
  const ports = (await server.ready) as Record<string, number>;
  const echoAddress = `127.0.0.1:${(await echo.ready)['port']}`;
  const grpcAddress = `127.0.0.1:${ports['grpcPort']}`;
  const { token } = await prepareUser(grpcAddress);
  const checkMessage = CheckRequest.encode({
    attributes: {
      request: { http: { id: '', method: 'GET', path: '/', host: 'app', headers: { authorization: `Bearer ${token}` }, headerMap: undefined } },
      contextExtensions: {},
    },
  }).finish();
  await expectAllowed(grpcAddress, checkMessage);

  let nginx: { auth: RunningGateway; plain: RunningGateway } | { skipped: string };
  const nginxBin = gatewayBinary('nginx');
  if (nginxBin === null) {
    nginx = { skipped: 'nginx is not installed (apt-get install nginx)' };
  } else {
    const onServerCore = (command: string, args: string[]) => pinned(SERVER_CPU, command, args);
    const bridge = `127.0.0.1:${ports['bridgePort']}`;
    const app = `127.0.0.1:${ports['appPort']}`;
    nginx = { auth: await startGateway('nginx', nginxBin, bridge, app, onServerCore), plain: await startPlainNginx(nginxBin, app, onServerCore) };
  }

  const { rounds, warmUpSeconds, seconds, connections, inFlight } = GATEWAY_BENCH;
  say(
    `gateways: ${rounds} alternating rounds of ${warmUpSeconds} s warm-up + ${seconds} s for each of /auth, bare Koa, Check, echo${'auth' in nginx ? ', NGINX with and without auth_request' : ''}`,
  );
  const http = (url: string, headers: Record<string, string> = {}) => h1load({ url, headers, connections, warmUpSeconds, seconds, workDir });
  const grpc = (address: string, route: string, message: Uint8Array) => h2load({ address, path: route, message, inFlight, warmUpSeconds, seconds, workDir });
  const cookie = { cookie: `token=${token}` };
  const results = { forwardAuth: pair(), check: pair(), nginx: pair() };
  try {
    for (let round = 0; round < rounds; round++) {
      results.forwardAuth.baseline.push(await http(`http://127.0.0.1:${ports['barePort']}/bare`));
      results.forwardAuth.measured.push(await http(`http://127.0.0.1:${ports['bridgePort']}/auth`, cookie));
      results.check.baseline.push(await grpc(echoAddress, '/bench.v1.Echo/Echo', ValidateTokenRequest.encode({ token }).finish()));
      results.check.measured.push(await grpc(grpcAddress, '/envoy.service.auth.v3.Authorization/Check', checkMessage));
      if ('auth' in nginx) {
        results.nginx.baseline.push(await http(`${nginx.plain.url}/app`));
        results.nginx.measured.push(await http(`${nginx.auth.url}/app`, cookie));
      }
    }
  } finally {
    if ('auth' in nginx) {
      await nginx.auth.stop();
      await nginx.plain.stop();
    }
    await server.stop();
    await echo.stop();
  }
  return { forwardAuth: results.forwardAuth, check: results.check, nginx: 'auth' in nginx ? results.nginx : nginx, accessLogSample };
}

function pair(): Pair {
  return { measured: [], baseline: [] };
}

/** One Check with the benchmark's message must be allowed, or the rounds would measure denials. */
async function expectAllowed(address: string, message: Uint8Array): Promise<void> {
  const client = new AuthorizationClient(address, ChannelCredentials.createInsecure());
  try {
    const answer = await new Promise<CheckResponse>((resolve, reject) => client.check(CheckRequest.decode(message), (e, r) => (e ? reject(e) : resolve(r))));
    if (answer.httpResponse?.$case !== 'okResponse') throw new Error(`the benchmark's Check request was denied: ${JSON.stringify(answer.status)}`);
  } finally {
    client.close();
  }
}

/** The report's section on the gateways. */
export function gatewayReport(r: GatewayResults, row: (label: string, a: string, b: string, c: string) => string): string[] {
  const lines: string[] = [];
  const { rounds, warmUpSeconds, seconds, connections, inFlight } = GATEWAY_BENCH;
  const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
  const fixed = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
  const section = (title: string, p: Pair, names: [string, string], target: number | null) => {
    const measured = pooled(p.measured);
    const baseline = pooled(p.baseline);
    const roundRatios = p.measured.map((run, i) => pooled([run]).perSecond / pooled([p.baseline[i]!]).perSecond);
    lines.push(title);
    lines.push(row('', 'per s', 'p50 ms', 'p99 ms'));
    lines.push(row(`  ${names[1]} (baseline)`, int(baseline.perSecond), fixed(baseline.p50Ms), fixed(baseline.p99Ms)));
    lines.push(row(`  ${names[0]}`, int(measured.perSecond), fixed(measured.p50Ms), fixed(measured.p99Ms)));
    lines.push(row('  ratio', fixed(measured.perSecond / baseline.perSecond), fixed(measured.p50Ms / baseline.p50Ms), fixed(measured.p99Ms / baseline.p99Ms)));
    if (target !== null)
      lines.push(`${row('  target', `>= ${target.toFixed(2)}`, '', '')}  ${measured.perSecond / baseline.perSecond >= target ? 'met' : 'below target'}`);
    lines.push(
      `  each round, per s: ${names[1]} ${p.baseline.map((run) => int(pooled([run]).perSecond)).join(' / ')}; ${names[0]} ${p.measured.map((run) => int(pooled([run]).perSecond)).join(' / ')}`,
    );
    lines.push(`  ratio by round: ${roundRatios.map(fixed).join(' / ')} (spread ${fixed(Math.min(...roundRatios))} to ${fixed(Math.max(...roundRatios))})`);
    const failed = (runs: H2loadResult[]) => runs.reduce((sum, run) => sum + run.failed, 0);
    lines.push(
      `  checks: ${failed(p.measured) + failed(p.baseline) === 0 ? 'every request answered 2xx' : `${failed(p.measured)} ${names[0]} and ${failed(p.baseline)} baseline requests failed or were not 2xx`}`,
    );
    lines.push('');
  };
  lines.push(
    `Gateways: ${rounds} alternating rounds of ${seconds} s after ${warmUpSeconds} s warm-up; client-auth as one process (gRPC + bridge) on CPU ${SERVER_CPU}, ACCESS_LOG_SAMPLE=${r.accessLogSample}`,
  );
  lines.push('');
  section(
    `GET /auth (forward auth, cookie) vs a bare Koa route in the same process: h2load --h1, ${connections} keep-alive connections`,
    r.forwardAuth,
    ['GET /auth', 'bare Koa'],
    TARGETS.forwardAuth,
  );
  section(
    `ext_authz Check vs the grpc-js echo with client-auth's GC fixes: h2load, one HTTP/2 connection, ${inFlight} calls in flight`,
    r.check,
    ['Check', 'echo'],
    TARGETS.check,
  );
  if ('skipped' in r.nginx) lines.push(`NGINX: not measured (${r.nginx.skipped})`, '');
  else
    section(
      `NGINX (workers on CPU ${SERVER_CPU}) with auth_request to client-auth vs NGINX proxying the same application without it: h2load --h1, ${connections} connections`,
      r.nginx,
      ['with auth_request', 'without'],
      null,
    );
  return lines;
}
