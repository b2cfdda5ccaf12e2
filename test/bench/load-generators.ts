/**
 * The load generators, both native programs pinned to their own core, so the figures
 * are the server's and not the generator's (a Node client saturates its own core first):
 *
 * - h2load (Debian nghttp2-client) for ValidateToken and its echo baseline. ghz was the
 *   first choice, but on one core it tops out near 12k calls/s, half of what a bare
 *   grpc-js server answers; h2load drives the same server to saturation using a tenth of
 *   its core. It only sees HTTP/2, not gRPC statuses, so the runner checks those in the
 *   server's log.
 * - ghz (Go, built here from the module proxy) for Login, which bcrypt holds to a few dozen
 *   calls per second, and for which ghz reports gRPC status codes itself.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isExecutable } from '../support/paths.js';
import { LOAD_CPU, runPinned } from './processes.js';

/** The latest ghz release; it builds with the Go of these machines (1.26). */
const GHZ_MODULE = 'github.com/bojand/ghz/cmd/ghz@v0.120.0';
const GHZ_BUILD_TIMEOUT_MS = 5 * 60_000;

export interface LoadFigures {
  /** Calls completed in the measured window. */
  calls: number;
  /** Calls that did not complete with OK (as far as the generator can tell). */
  failed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** The ghz binary: `.cache/bin/ghz`, built with `go install` when missing. Throws with the reason when it cannot be had. */
export function ensureGhz(root: string, say: (line: string) => void): string {
  const bin = path.join(root, '.cache', 'bin', 'ghz');
  if (isExecutable(bin)) return bin;
  if (spawnSync('go', ['version']).error) throw new Error(`${bin} is missing and Go is not on PATH to build it`);
  say(`building ghz (${GHZ_MODULE}) into .cache/bin with go install; once per machine, about a minute`);
  const built = spawnSync('go', ['install', GHZ_MODULE], {
    env: { ...process.env, GOBIN: path.dirname(bin), GOFLAGS: '-buildvcs=false' },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: GHZ_BUILD_TIMEOUT_MS,
  });
  if (built.status !== 0 || !isExecutable(bin)) {
    throw new Error(`go install ${GHZ_MODULE} failed (${built.error?.message ?? `exit ${built.status ?? built.signal}`})`);
  }
  return bin;
}

/**
 * Makes sure h2load is installed: when it is not and this runs as root with apt-get (as on
 * these machines), installs Debian's nghttp2-client; otherwise throws with the fix.
 */
export function ensureH2load(say: (line: string) => void): void {
  if (!spawnSync('h2load', ['--version']).error) return;
  const canInstall = process.getuid?.() === 0 && !spawnSync('apt-get', ['--version']).error;
  if (!canInstall) throw new Error('h2load not found: install it with `apt-get install -y nghttp2-client`');
  say('installing h2load (Debian package nghttp2-client); once per machine');
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'nghttp2-client'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 5 * 60_000,
    }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 5 * 60_000 });
    if (!install()) throw new Error('apt-get install nghttp2-client failed; h2load is needed for the ValidateToken figures');
  }
}

export interface H2loadRun {
  address: string;
  /** `/package.Service/Method`. */
  path: string;
  /** The serialized request message (without gRPC framing). */
  message: Uint8Array;
  inFlight: number;
  warmUpSeconds: number;
  seconds: number;
  workDir: string;
}

/** The calls of one h2load run: enough to pool several runs into one LoadFigures. */
export interface H2loadResult {
  failed: number;
  seconds: number;
  latenciesUs: number[];
}

/** One HTTP/2 connection with `inFlight` streams and a gRPC-framed request; latencies from h2load's per-request log. */
export async function h2load(run: H2loadRun): Promise<H2loadResult> {
  const bodyFile = path.join(run.workDir, `h2load-body-${stampOf()}.bin`);
  fs.writeFileSync(bodyFile, grpcFrame(run.message));
  try {
    return await runH2load(
      ['-c', '1', '-m', String(run.inFlight), '-d', bodyFile, '-H', 'content-type: application/grpc', '-H', 'te: trailers', `http://${run.address}${run.path}`],
      run,
    );
  } finally {
    fs.rmSync(bodyFile, { force: true });
  }
}

/**
 * A connection with a request outstanding and nothing heard for this long is given up, and
 * its request counted as timed out: without it one unanswered request kept h2load running
 * past the end of the measurement until the bench killed it (seen once, through NGINX).
 */
export const STALL_TIMEOUT = ['--connection-inactivity-timeout=5'];

export interface H1loadRun {
  url: string;
  headers: Record<string, string>;
  /** HTTP/1.1 connections, one request in flight on each (no pipelining), as a gateway's pool. */
  connections: number;
  warmUpSeconds: number;
  seconds: number;
  workDir: string;
}

/** HTTP/1.1 GETs over `connections` keep-alive connections; a non-2xx answer counts as failed. */
export function h1load(run: H1loadRun): Promise<H2loadResult> {
  const headers = Object.entries(run.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  return runH2load(['--h1', '-c', String(run.connections), '-m', '1', ...headers, run.url], run);
}

async function runH2load(args: string[], run: { warmUpSeconds: number; seconds: number; workDir: string }): Promise<H2loadResult> {
  const logFile = path.join(run.workDir, `h2load-log-${stampOf()}.tsv`);
  const timing = ['-D', String(run.seconds), `--warm-up-time=${run.warmUpSeconds}`, `--log-file=${logFile}`, ...STALL_TIMEOUT];
  try {
    const result = await runPinned(LOAD_CPU, 'h2load', [...timing, ...args], (run.warmUpSeconds + run.seconds + 30) * 1000);
    const summary = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(result.stdout);
    if (result.code !== 0 || !summary) {
      throw new Error(`h2load failed (exit ${result.code}):\n${result.stdout}${result.stderr}`.trim());
    }
    const latenciesUs = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => Number(line.split('\t')[2]));
    // gRPC answers are all HTTP 200 (their status is in the trailers); a gateway's 401 is not.
    const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(result.stdout);
    const notOk = codes ? Number(codes[2]) + Number(codes[3]) + Number(codes[4]) : 0;
    return { failed: Number(summary[5]) + Number(summary[6]) + Number(summary[7]) + notOk, seconds: run.seconds, latenciesUs };
  } finally {
    fs.rmSync(logFile, { force: true });
  }
}

function stampOf(): string {
  return `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The figures of several h2load runs taken together. */
export function pooled(runs: H2loadResult[]): LoadFigures {
  const latenciesUs = runs.flatMap((run) => run.latenciesUs);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  return {
    calls: latenciesUs.length,
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
    seconds,
    perSecond: latenciesUs.length / seconds,
    p50Ms: percentile(latenciesUs, 50) / 1000,
    p99Ms: percentile(latenciesUs, 99) / 1000,
  };
}

export interface GhzRun {
  ghz: string;
  address: string;
  protoFile: string;
  importPath: string;
  /** `package.Service.Method`. */
  call: string;
  /** The request as JSON (proto3 JSON mapping). */
  data: Record<string, unknown>;
  concurrency: number;
  warmUpSeconds: number;
  seconds: number;
}

/** How the calls that ended within the measured window ended, by gRPC status name. */
export type StatusCounts = Record<string, number>;

/**
 * Closed-loop load over one connection. The figures count the calls that ended within the
 * measured window (after the warm-up, before the end), from ghz's per-call details: the
 * calls still in flight when ghz stops are cut off with Unavailable, which is ghz's doing,
 * not the server's.
 */
export async function ghz(run: GhzRun): Promise<LoadFigures & { statuses: StatusCounts }> {
  const tailSeconds = 1;
  const args = [
    '--insecure',
    '--cpus',
    '1',
    '--proto',
    run.protoFile,
    '--import-paths',
    run.importPath,
    '--call',
    run.call,
    '-d',
    JSON.stringify(run.data),
    '-c',
    String(run.concurrency),
    '--connections',
    '1',
    '-z',
    `${run.warmUpSeconds + run.seconds + tailSeconds}s`,
    '-O',
    'json',
    run.address,
  ];
  const result = await runPinned(LOAD_CPU, run.ghz, args, (run.warmUpSeconds + run.seconds + 60) * 1000);
  let report: GhzReport;
  try {
    report = JSON.parse(result.stdout) as GhzReport;
  } catch {
    throw new Error(`ghz failed (exit ${result.code}):\n${result.stdout}${result.stderr}`.trim());
  }
  const calls = (report.details ?? []).map((detail) => {
    const startMs = Date.parse(detail.timestamp);
    return { endMs: startMs + detail.latency / 1e6, latencyMs: detail.latency / 1e6, status: detail.status };
  });
  if (calls.length === 0) throw new Error(`ghz made no calls:\n${result.stdout}${result.stderr}`.trim());
  const firstStartMs = Math.min(...calls.map((call) => call.endMs - call.latencyMs));
  const from = firstStartMs + run.warmUpSeconds * 1000;
  const until = from + run.seconds * 1000;
  const measured = calls.filter((call) => call.endMs >= from && call.endMs < until);
  const statuses: StatusCounts = {};
  for (const call of measured) statuses[call.status] = (statuses[call.status] ?? 0) + 1;
  const ok = measured.filter((call) => call.status === 'OK').map((call) => call.latencyMs);
  return {
    calls: measured.length,
    failed: measured.length - ok.length,
    seconds: run.seconds,
    perSecond: ok.length / run.seconds,
    p50Ms: percentile(ok, 50),
    p99Ms: percentile(ok, 99),
    statuses,
  };
}

interface GhzReport {
  details?: { timestamp: string; latency: number; status: string }[] | null;
}

/** The 5-byte gRPC message prefix (not compressed, length) and the message. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** Nearest-rank percentile of unsorted values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
