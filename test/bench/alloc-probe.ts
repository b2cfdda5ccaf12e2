/**
 * Allocation and CPU per `GET /me` and `GetMe` on the shared set-up, A against B:
 *
 *   node dist/test/bench/alloc-probe.js --a=DIR --b=DIR [--pairs=3] [--alloc] [--unbundled]
 *
 * DIR is a checkout whose dist/ is built (`npm run build && npm run build:test`). Both
 * servers run at once, pinned to the server core; h2load on the load core drives one at a
 * time, alternating. `--alloc` takes, for each side, a sampling heap profile over one round
 * of each path (heap-sampling.ts) and prints the bytes allocated per request.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';
import { mochaGlobalSetup, mochaGlobalTeardown } from '../support/global-setup.js';
import { summariseAllocations } from './alloc-summary.js';
import { measured } from './browser-path.js';
import { startMainProcess } from './main-process.js';
import { LOAD_CPU, pinSelf } from './processes.js';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const has = (name: string) => process.argv.includes(`--${name}`);

async function main(): Promise<void> {
  const dirs = { A: flag('a')!, B: flag('b')! };
  const pairs = Number(flag('pairs') ?? 3);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alloc-probe-'));
  pinSelf(LOAD_CPU);
  await mochaGlobalSetup();
  const env = {
    JWT_SECRET_KEY: `probe-${randomBytes(16).toString('hex')}-secret-of-some-length`,
    BCRYPT_COST: '10',
    LOG_LEVEL: 'info',
    GRPC_HOST: '127.0.0.1',
    BRIDGE_HOST: '127.0.0.1',
    MONGODB_URI: process.env['TEST_MONGODB_URI']!,
    REDIS_URL: process.env['TEST_REDIS_URL']!,
    DB_NAME: `probe_${Date.now().toString(36)}`,
  };
  const preload = path.resolve('dist/test/bench/heap-sampling.js');
  const servers = {} as Record<'A' | 'B', { pid: number; bridge: string; grpc: string; token: string; profile: string; stop: () => Promise<unknown> }>;
  for (const name of ['A', 'B'] as const) {
    const profile = path.join(workDir, `${name}.heapprofile`);
    const script = path.join(dirs[name], 'dist', 'src', has('unbundled') ? 'bootstrap/start.js' : 'main.js');
    const main = await startMainProcess(
      { ...env, HEAP_SAMPLING_FILE: profile },
      { logFile: path.join(workDir, `${name}.log`), script, nodeFlags: has('alloc') ? [`--import=${preload}`] : [] },
    );
    const api = createClientAuthClient(`127.0.0.1:${main.grpcPort}`, { deadlineMs: 10_000 });
    const password = `probe-${randomBytes(12).toString('base64url')}`;
    const email = `probe-${name}-${Date.now().toString(36)}@example.com`;
    await api.registerUser({ email, password, firstName: 'Probe', lastName: 'User', phoneNumber: '', attributes: {} });
    const token = (await api.login({ email, password })).accessToken;
    api.close();
    servers[name] = { pid: main.pid, bridge: `http://127.0.0.1:${main.bridgePort}`, grpc: `127.0.0.1:${main.grpcPort}`, token, profile, stop: main.stop };
  }
  const me = (name: 'A' | 'B', seconds: number, warmUpSeconds: number) =>
    measured(servers[name].pid, {
      url: `${servers[name].bridge}/me`,
      headers: { cookie: `token=${servers[name].token}` },
      protocol: 'http1',
      inFlight: 64,
      warmUpSeconds,
      seconds,
      workDir,
    });
  const getMe = (name: 'A' | 'B', seconds: number, warmUpSeconds: number) =>
    measured(servers[name].pid, {
      url: `http://${servers[name].grpc}/clientauth.v1.ClientAuth/GetMe`,
      headers: { authorization: `Bearer ${servers[name].token}` },
      protocol: 'grpc',
      body: new Uint8Array(),
      inFlight: 64,
      warmUpSeconds,
      seconds,
      workDir,
    });
  try {
    if (has('alloc')) {
      for (const [label, run] of [
        ['GET /me', me],
        ['GetMe', getMe],
      ] as const) {
        for (const name of ['A', 'B'] as const) {
          await run(name, 2, 0);
          fs.rmSync(servers[name].profile, { force: true });
          process.kill(servers[name].pid, 'SIGUSR2');
          const result = await run(name, Number(flag('seconds') ?? 3), 0);
          process.kill(servers[name].pid, 'SIGUSR2');
          while (!fs.existsSync(servers[name].profile)) await new Promise((r) => setTimeout(r, 200));
          await new Promise((r) => setTimeout(r, 500));
          const out = `${servers[name].profile}.${label.replace(/\W/g, '')}`;
          fs.renameSync(servers[name].profile, out);
          const summary = summariseAllocations(JSON.parse(fs.readFileSync(out, 'utf8')).head);
          const requests = result.latenciesUs.length;
          console.log(`${label} ${name}: ${(summary.totalBytes / requests / 1024).toFixed(1)} KB per request over ${requests} (${out})`);
        }
      }
    }
    for (let pair = 0; pair < pairs; pair++) {
      const row: string[] = [];
      for (const [label, run] of [
        ['GET /me', me],
        ['GetMe', getMe],
      ] as const) {
        for (const name of (pair % 2 === 0 ? ['A', 'B'] : ['B', 'A']) as Array<'A' | 'B'>) {
          const result = await run(name, 3, 1);
          row.push(`${label} ${name} ${Math.round((result.cpu / result.latenciesUs.length) * 1e6)} µs (${result.latenciesUs.length})`);
        }
      }
      console.log(`pair ${pair + 1}, load ${os.loadavg()[0]!.toFixed(1)}: ${row.join('; ')}`);
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop();
    await mochaGlobalTeardown();
  }
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
