/**
 * A/B probe of client credentials on the shared set-up (issue #33): two builds' main.js (A
 * and B) on the same FerretDB and Redis, each pinned to the server core, measured in
 * alternating rounds: the Redis and MongoDB commands per `IssueServiceToken` (as the
 * stores count them), and the server's CPU per token for `IssueServiceToken` over gRPC and
 * for the client-credentials grant at `POST /oidc/token`.
 *
 *   node dist/test/bench/service-token-ab.js --a=DIR/dist/src/main.js --b=dist/src/main.js [--pairs=3] [--seconds=4]
 *        [--flags-a='--cpu-prof --cpu-prof-dir=DIR'] [--flags-b=...]
 *
 * Both builds must be complete trees (package.json, templates and node_modules beside dist).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IssueServiceTokenRequest } from '../../gen/clientauth/v1/client_auth.js';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';
import { mochaGlobalSetup, mochaGlobalTeardown } from '../support/global-setup.js';
import { freePort } from '../support/paths.js';
import { measured } from './browser-path.js';
import { type MainProcess, startMainProcess } from './main-process.js';
import { LOAD_CPU, pinSelf } from './processes.js';
import { storeCounters } from './store-counters.js';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split(/=(.*)/s).slice(0, 2) as [string, string]));
const scripts = { A: path.resolve(args.get('a') ?? 'dist/src/main.js'), B: path.resolve(args.get('b') ?? 'dist/src/main.js') };
const pairs = Number(args.get('pairs') ?? 3);
const seconds = Number(args.get('seconds') ?? 4);
const flags = { A: (args.get('flags-a') ?? '').split(' ').filter(Boolean), B: (args.get('flags-b') ?? '').split(' ').filter(Boolean) };
const ADMIN = { email: 'svc-ab-admin@example.com', password: `svc-ab-${randomBytes(9).toString('base64url')}-Aa1!` };

type Which = 'A' | 'B';

async function run(): Promise<void> {
  pinSelf(LOAD_CPU);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-token-ab-'));
  await mochaGlobalSetup();
  const services = { mongoUri: process.env['TEST_MONGODB_URI']!, redisUrl: process.env['TEST_REDIS_URL']! };
  const base = {
    JWT_SECRET_KEY: randomBytes(48).toString('base64url'),
    JWT_ALGORITHM: 'ES256',
    KEY_ENCRYPTION_KEY: randomBytes(48).toString('base64url'),
    BCRYPT_COST: '10',
    LOG_LEVEL: 'info',
    GRPC_HOST: '127.0.0.1',
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_CALL_TIMEOUT_MS: '30000',
    MONGODB_URI: services.mongoUri,
    REDIS_URL: services.redisUrl,
    DB_NAME: `svc_ab_${Date.now().toString(36)}`,
  };
  const started: Partial<Record<Which, MainProcess & { bridgeUrl: string }>> = {};
  const counters = storeCounters(services);
  try {
    for (const which of ['A', 'B'] as const) {
      const bridgePort = await freePort();
      const bridgeUrl = `http://127.0.0.1:${bridgePort}`;
      const env = { ...base, PUBLIC_URL: bridgeUrl, ...(which === 'A' ? { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } : {}) };
      started[which] = {
        ...(await startMainProcess(env, { logFile: path.join(workDir, `main-${which}.log`), script: scripts[which], bridgePort, nodeFlags: flags[which] })),
        bridgeUrl,
      };
    }
    const a = started.A!;
    const setUpApi = createClientAuthClient(`127.0.0.1:${a.grpcPort}`, { deadlineMs: 10_000 });
    const adminToken = (await setUpApi.login(ADMIN)).accessToken;
    const service = await setUpApi.registerService({ email: `svc-ab-${Date.now().toString(36)}@example.com`, name: 'ab', groups: [] }, { token: adminToken });
    setUpApi.close();
    const credentials = { clientId: service.client!.id, clientSecret: service.clientSecret };
    const basic = Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString('base64');
    const cpu: Record<Which, { grpc: number[]; oidc: number[] }> = { A: { grpc: [], oidc: [] }, B: { grpc: [], oidc: [] } };
    for (const which of ['A', 'B'] as const) {
      const api = createClientAuthClient(`127.0.0.1:${started[which]!.grpcPort}`, { deadlineMs: 10_000 });
      const counted = await counters.perRequest(50, () => api.issueServiceToken(credentials));
      api.close();
      process.stdout.write(`${which}: IssueServiceToken commands per token: MongoDB ${counted.mongo.toFixed(2)}, Redis ${counted.redis.toFixed(2)}\n`);
    }
    for (const which of ['A', 'B'] as const) {
      // The provider loads on its first request: load it before anything is measured.
      const check = await fetch(`${started[which]!.bridgeUrl}/oidc/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      if (check.status !== 200) throw new Error(`${which}'s token endpoint refused the service client: ${check.status} ${await check.text()}`);
    }
    // Pair -1 warms both up (the JIT, the pools, the caches) and is not reported.
    for (let pair = -1; pair < pairs; pair++) {
      for (const which of pair % 2 !== 1 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
        const server = started[which]!;
        const grpc = await measured(server.pid, {
          url: `http://127.0.0.1:${server.grpcPort}/clientauth.v1.ClientAuth/IssueServiceToken`,
          method: 'POST',
          protocol: 'grpc',
          body: IssueServiceTokenRequest.encode(credentials).finish(),
          inFlight: 8,
          warmUpSeconds: 1,
          seconds,
          workDir,
        });
        const oidc = await measured(server.pid, {
          url: `${server.bridgeUrl}/oidc/token`,
          method: 'POST',
          protocol: 'http1',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
          inFlight: 16,
          warmUpSeconds: 1,
          seconds,
          workDir,
        });
        const perGrpc = (grpc.cpu / grpc.latenciesUs.length) * 1e6;
        const perOidc = (oidc.cpu / oidc.latenciesUs.length) * 1e6;
        if (pair < 0) continue;
        cpu[which].grpc.push(perGrpc);
        cpu[which].oidc.push(perOidc);
        process.stdout.write(
          `pair ${pair} ${which}: IssueServiceToken ${perGrpc.toFixed(0)} µs CPU (${grpc.latenciesUs.length} answered, ${JSON.stringify(grpc.statuses)}); ` +
            `/oidc/token ${perOidc.toFixed(0)} µs CPU (${oidc.latenciesUs.length} answered, ${JSON.stringify(oidc.statuses)})\n`,
        );
      }
    }
    for (const path of ['grpc', 'oidc'] as const) {
      const ratios = cpu.A[path].map((x, i) => (cpu.B[path][i]! / x).toFixed(2));
      process.stdout.write(
        `${path}: A ${cpu.A[path].map((x) => x.toFixed(0)).join(' / ')} µs; B ${cpu.B[path].map((x) => x.toFixed(0)).join(' / ')} µs; B/A per pair ${ratios.join(' ')}\n`,
      );
    }
  } finally {
    await counters.close();
    for (const server of Object.values(started)) await server?.stop();
    await mochaGlobalTeardown();
  }
}

await run();
process.exit(0);
