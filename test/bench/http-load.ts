/**
 * h2load for both sides of a browser-path comparison: HTTP/1.1 against the bridge (as a
 * browser speaks to it) and HTTP/2 with gRPC framing against the gRPC port, so one
 * generator, pinned to the load core, drives both. And what a server process costs, read
 * from /proc: CPU time (to divide by the requests it served) and resident memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { grpcFrame, type H2loadResult, STALL_TIMEOUT } from './load-generators.js';
import { LOAD_CPU, runPinned } from './processes.js';

export interface HttpLoadRun {
  /** http://host:port/path */
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** HTTP/1.1 with one request per connection at a time, or HTTP/2 streams on one connection. */
  protocol: 'http1' | 'grpc';
  inFlight: number;
  warmUpSeconds: number;
  seconds: number;
  workDir: string;
}

export interface HttpLoadResult extends H2loadResult {
  /** Responses by HTTP status class, as h2load counts them. */
  statuses: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
}

export async function httpLoad(run: HttpLoadRun): Promise<HttpLoadResult> {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const logFile = path.join(run.workDir, `h2load-log-${stamp}.tsv`);
  const bodyFile = path.join(run.workDir, `h2load-body-${stamp}.bin`);
  const args = [
    '-D',
    String(run.seconds),
    `--warm-up-time=${run.warmUpSeconds}`,
    `--log-file=${logFile}`,
    ...STALL_TIMEOUT,
    ...(run.protocol === 'http1' ? ['--h1', '-c', String(run.inFlight), '-m', '1'] : ['-c', '1', '-m', String(run.inFlight)]),
  ];
  const headers = { ...run.headers };
  if (run.protocol === 'grpc') Object.assign(headers, { 'content-type': 'application/grpc', te: 'trailers' });
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  if (run.body !== undefined || run.method === 'POST') {
    fs.writeFileSync(bodyFile, run.protocol === 'grpc' ? grpcFrame(toBytes(run.body ?? '')) : toBytes(run.body ?? ''));
    args.push('-d', bodyFile);
  }
  args.push(run.url);
  try {
    const result = await runPinned(LOAD_CPU, 'h2load', args, (run.warmUpSeconds + run.seconds + 30) * 1000);
    const summary = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(result.stdout);
    const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(result.stdout);
    if (result.code !== 0 || !summary || !codes) throw new Error(`h2load failed (exit ${result.code}):\n${result.stdout}${result.stderr}`.trim());
    const latenciesUs = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split('\t'))
      // Answered: a 2xx, or a 3xx (a form's 303 is its success).
      .filter((fields) => /^[23]/.test(fields[1]!))
      .map((fields) => Number(fields[2]));
    return {
      failed: Number(summary[5]) + Number(summary[6]) + Number(summary[7]) + Number(codes[3]) + Number(codes[4]),
      seconds: run.seconds,
      latenciesUs,
      statuses: { '2xx': Number(codes[1]), '3xx': Number(codes[2]), '4xx': Number(codes[3]), '5xx': Number(codes[4]) },
    };
  } finally {
    fs.rmSync(bodyFile, { force: true });
    fs.rmSync(logFile, { force: true });
  }
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory now and at its peak (VmRSS, VmHWM), in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
