/**
 * `node dist/src/main.js` as users run it (the `all` role: gRPC server and bridge in one
 * process), started pinned to the server core by the benchmark, with its ports read from
 * its log lines. Stopped with SIGTERM, as an orchestrator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onJsonLines } from '../support/json-lines';
import { repoRoot } from '../support/paths';
import { SERVER_CPU, pinned } from './processes';

export interface MainProcess {
  child: ChildProcess;
  pid: number;
  /** Epoch milliseconds when it was spawned. */
  spawnedAt: number;
  grpcPort: number;
  bridgePort: number;
  /** The log lines (parsed) up to the bridge's "listening". */
  lines: Array<Record<string, unknown>>;
  stop(): Promise<{ stderr: string }>;
}

const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

export interface MainProcessOptions {
  logFile: string;
  nodeFlags?: string[];
  readyTimeoutMs?: number;
  /** The script to run instead of dist/src/main.js (a bundle of it). */
  script?: string;
}

export async function startMainProcess(env: Record<string, string>, options: MainProcessOptions): Promise<MainProcess> {
  const main = options.script ?? path.join(repoRoot(), 'dist', 'src', 'main.js');
  const { command, args } = pinned(SERVER_CPU, process.execPath, [...(options.nodeFlags ?? []), main]);
  const spawnedAt = Date.now();
  const child = spawn(command, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  const log = fs.createWriteStream(options.logFile, { flags: 'a' });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => started.delete(child));
  const lines: Array<Record<string, unknown>> = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`main.js did not listen within ${(options.readyTimeoutMs ?? 60_000) / 1000} s: ${stderr}`)), options.readyTimeoutMs ?? 60_000);
    child.stdout!.on('data', (chunk: Buffer) => log.write(chunk));
    onJsonLines(child.stdout!, (line) => {
      lines.push(line);
      if (line['msg'] === 'bridge listening') {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`main.js exited before listening: ${stderr}`));
    });
  });
  const portOf = (message: string) => Number(lines.find((line) => line['msg'] === message)?.['port']);
  return {
    child,
    pid: child.pid!,
    spawnedAt,
    grpcPort: portOf('gRPC server listening'),
    bridgePort: portOf('bridge listening'),
    lines,
    stop: async () => {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
      log.end();
      return { stderr };
    },
  };
}
