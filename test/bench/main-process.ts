/**
 * `node dist/src/main.js` as users run it (the `all` role: gRPC server and bridge in one
 * process), started pinned to the server core by the benchmark on ports chosen here, and
 * ready once its bridge answers GET /healthz (so any LOG_LEVEL works). Its log lines are
 * kept for the start-up breakdown. Stopped with SIGTERM, as an orchestrator would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onJsonLines } from '../support/json-lines.js';
import { freePort, repoRoot } from '../support/paths.js';
import { pinned, SERVER_CPU } from './processes.js';

export interface MainProcess {
  child: ChildProcess;
  pid: number;
  /** Epoch milliseconds when it was spawned. */
  spawnedAt: number;
  grpcPort: number;
  bridgePort: number;
  /** Its log lines so far, parsed. */
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
  /** The script to run instead of dist/src/main.js (dist/src/bootstrap/start.js, unbundled). */
  script?: string;
  /** The bridge port (a free one when absent). */
  bridgePort?: number;
}

export async function startMainProcess(env: Record<string, string>, options: MainProcessOptions): Promise<MainProcess> {
  const main = options.script ?? path.join(repoRoot(), 'dist', 'src', 'main.js');
  const grpcPort = await freePort();
  const bridgePort = options.bridgePort ?? (await freePort());
  const { command, args } = pinned(SERVER_CPU, process.execPath, [...(options.nodeFlags ?? []), main]);
  const spawnedAt = Date.now();
  const child = spawn(command, args, {
    env: { PATH: process.env['PATH'] ?? '', ...env, GRPC_PORT: String(grpcPort), BRIDGE_PORT: String(bridgePort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  const log = fs.createWriteStream(options.logFile, { flags: 'a' });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout!.on('data', (chunk: Buffer) => log.write(chunk));
  const lines: Array<Record<string, unknown>> = [];
  onJsonLines(child.stdout!, (line) => lines.push(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => started.delete(child));
  const stop = async () => {
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
    log.end();
    return { stderr };
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  const health = `http://127.0.0.1:${bridgePort}/healthz`;
  while (
    (await fetch(health).then(
      (response) => response.status,
      () => 0,
    )) !== 200
  ) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`main.js exited before it served: ${stderr}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`main.js did not serve within ${(options.readyTimeoutMs ?? 60_000) / 1000} s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, pid: child.pid!, spawnedAt, grpcPort, bridgePort, lines, stop };
}
