/**
 * Real NGINX and Caddy (Debian's packages), each started with the shipped config from
 * deploy/gateways, templated onto free loopback ports, as a foreground process with its
 * own temp directory, pid file and logs; and the application behind them: a tiny HTTP
 * server that answers every request with the headers it received.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTool } from '../../support/go-tools.js';
import { freePort, repoRoot } from '../../support/paths.js';

export const GATEWAY_CONFIGS = path.join(repoRoot(), 'deploy', 'gateways');
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;

/** The application behind the gateway: it echoes the headers it got, and remembers every request. */
export interface EchoUpstream {
  address: string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startEchoUpstream(): Promise<EchoUpstream> {
  const requests: EchoUpstream['requests'] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ path: request.url, headers: request.headers }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type GatewayName = 'nginx' | 'caddy';

export interface RunningGateway {
  name: GatewayName;
  url: string;
  /** The gateway's own log output (error log, stderr). */
  log(): string;
  stop(): Promise<void>;
}

/** The gateway's binary, or why it is missing (install with `apt-get install nginx caddy`). */
export function gatewayBinary(name: GatewayName): string | null {
  return findTool(name) ?? (fs.existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : null);
}

/**
 * Replaces each `from` of the shipped config by its `to`, failing when one is missing: a
 * config that no longer names the address we template would otherwise be tested unchanged.
 */
export function template(text: string, replacements: ReadonlyArray<readonly [string, string]>, file: string): string {
  let result = text;
  for (const [from, to] of replacements) {
    if (!result.includes(from)) throw new Error(`${file} no longer contains "${from}"; update the test's templating`);
    result = result.split(from).join(to);
  }
  return result;
}

/** How to start a program: as it is, or pinned to a core (the benchmark's `pinned`). */
export type Launcher = (command: string, args: string[]) => { command: string; args: string[] };
const asIs: Launcher = (command, args) => ({ command, args });

export async function startGateway(name: GatewayName, bin: string, bridge: string, upstream: string, launch: Launcher = asIs): Promise<RunningGateway> {
  const addresses = [
    ['127.0.0.1:8000', bridge],
    ['127.0.0.1:3000', upstream],
  ] as const;
  if (name === 'nginx') {
    const shipped = fs.readFileSync(path.join(GATEWAY_CONFIGS, 'nginx.conf'), 'utf8');
    const identity = fs.readFileSync(path.join(GATEWAY_CONFIGS, 'client-auth-identity.conf'), 'utf8');
    return startNginx(
      bin,
      (port) => template(shipped, [...addresses, ['listen 8080;', `listen 127.0.0.1:${port};`]], 'nginx.conf'),
      { 'client-auth-identity.conf': identity },
      launch,
    );
  }
  const dir = gatewayDir('caddy');
  const port = await freePort();
  const shipped = fs.readFileSync(path.join(GATEWAY_CONFIGS, 'Caddyfile'), 'utf8');
  // Global options of the test run only: no admin endpoint (it would claim localhost:2019).
  const config = `{\n\tadmin off\n}\n\n${template(shipped, [...addresses, [':8080 {', `http://127.0.0.1:${port} {`]], 'Caddyfile')}`;
  fs.writeFileSync(path.join(dir, 'Caddyfile'), config);
  const args = ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile', '--pidfile', path.join(dir, 'caddy.pid')];
  // Caddy keeps its state under $HOME / $XDG_*; keep it in the temp directory.
  const env = { HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') };
  return runGateway('caddy', launch(bin, args), dir, port, env);
}

/** NGINX proxying to `upstream` with no check at all: the benchmark's baseline. */
export function startPlainNginx(bin: string, upstream: string, launch: Launcher = asIs): Promise<RunningGateway> {
  return startNginx(
    bin,
    (port) => `worker_processes auto;
events { worker_connections 1024; }
http {
    access_log off;
    upstream app { server ${upstream}; keepalive 16; }
    server {
        listen 127.0.0.1:${port};
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
        }
    }
}
`,
    {},
    launch,
  );
}

async function startNginx(bin: string, config: (port: number) => string, files: Record<string, string>, launch: Launcher): Promise<RunningGateway> {
  const dir = gatewayDir('nginx');
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'nginx.conf'), config(port));
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  fs.mkdirSync(path.join(dir, 'logs'));
  const args = [
    '-p',
    `${dir}/`,
    '-c',
    path.join(dir, 'nginx.conf'),
    '-e',
    path.join(dir, 'error.log'),
    '-g',
    `daemon off; pid ${path.join(dir, 'nginx.pid')};`,
  ];
  return runGateway('nginx', launch(bin, args), dir, port, {});
}

function gatewayDir(name: GatewayName): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `client-auth-${name}-`));
  // NGINX's workers drop root for nobody and must still reach their temp directories here.
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Starts the gateway in the foreground, with its output in `dir`, and waits until it listens. */
async function runGateway(
  name: GatewayName,
  command: { command: string; args: string[] },
  dir: string,
  port: number,
  env: NodeJS.ProcessEnv,
): Promise<RunningGateway> {
  const out = fs.openSync(path.join(dir, 'output.log'), 'a');
  const child = spawn(command.command, command.args, { stdio: ['ignore', out, out], env: { PATH: process.env['PATH'] ?? '', ...env } });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const log = () =>
    ['output.log', 'error.log']
      .map((file) => readIfThere(path.join(dir, file)))
      .join('\n')
      .trim();
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(force);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitListening(child, port, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, url: `http://127.0.0.1:${port}`, log, stop };
}

async function waitListening(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the gateway exited at start-up (${child.exitCode ?? child.signalCode}):\n${log()}`);
    if (await connects(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s:\n${log()}`);
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readIfThere(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
