/**
 * Starting, pinning and stopping the benchmark's processes. Every process started here
 * is remembered until it ends, and killed if the runner exits first, so a failed or
 * interrupted run leaves nothing behind.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** The core the servers (and the in-process baselines) run on. */
export const SERVER_CPU = 0;
/** The core the load generators run on. */
export const LOAD_CPU = 1;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function remember(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.prependListener('exit', () => {
      for (const leftover of running) leftover.kill('SIGKILL');
    });
  }
}

/**
 * Why pinning is off, or null when `taskset` can pin to both cores. Decided once, before
 * the runner moves itself to a core (after which it would see only that one).
 */
export const pinningProblem: () => string | null = (() => {
  const cpus = os.availableParallelism();
  const problem = cpus < 2 ? `only ${cpus} CPU available` : spawnSync('taskset', ['-V']).error ? 'taskset not found (Debian package util-linux)' : null;
  return () => problem;
})();

/** `command args` run on `cpu` only, when pinning is possible. */
export function pinned(cpu: number, command: string, args: string[]): { command: string; args: string[] } {
  return pinningProblem() === null ? { command: 'taskset', args: ['-c', String(cpu), command, ...args] } : { command, args };
}

/**
 * Moves this process (all its threads) to `cpu`; what it starts from then on inherits it
 * unless started with `pinned`. Returns false when pinning is not possible.
 */
export function pinSelf(cpu: number): boolean {
  if (pinningProblem() !== null) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/** A Node script of dist/test/bench started on a core, talking to the runner over IPC. */
export interface NodeChild {
  process: ChildProcess;
  /** The first message the child sent (its `announce`). */
  ready: Promise<Record<string, unknown>>;
  /** Asks the child to stop (closing the IPC channel) and waits, bounded, for it to end. */
  stop(graceMs?: number): Promise<void>;
}

export interface NodeChildOptions {
  env?: Record<string, string>;
  nodeFlags?: string[];
  /** Where the child's stdout and stderr go; ignored when not given. */
  outputFile?: string;
  /** The child is killed if it has not announced itself within this time. */
  readyTimeoutMs: number;
}

export function startNodeChild(cpu: number, script: string, args: string[], options: NodeChildOptions): NodeChild {
  const output = options.outputFile === undefined ? 'ignore' : fs.openSync(options.outputFile, 'a');
  const { command, args: argv } = pinned(cpu, process.execPath, [...(options.nodeFlags ?? []), script, ...args]);
  const child = spawn(command, argv, {
    stdio: ['ignore', output, output, 'ipc'],
    env: { ...process.env, ...options.env },
  });
  if (typeof output === 'number') fs.closeSync(output);
  remember(child);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not get ready within ${options.readyTimeoutMs / 1000} s${tail(options.outputFile)}`));
    }, options.readyTimeoutMs);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as Record<string, unknown>);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} ended before it was ready (exit ${code ?? signal})${tail(options.outputFile)}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  ready.catch(() => undefined);

  return {
    process: child,
    ready,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a Node script of dist/test/bench to completion and returns what it announced. */
export async function runNodeChild<T>(cpu: number, script: string, args: string[], options: NodeChildOptions): Promise<T> {
  const child = startNodeChild(cpu, script, args, options);
  try {
    return (await child.ready) as T;
  } finally {
    await child.stop();
  }
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs a program on a core, killing it if it outlives `timeoutMs`. */
export function runPinned(cpu: number, command: string, args: string[], timeoutMs: number): Promise<CommandResult> {
  const { command: program, args: argv } = pinned(cpu, command, args);
  const child = spawn(program, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  remember(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

/** Kills whatever is still running (the runner's last resort on a fatal error). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

function tail(file: string | undefined): string {
  if (file === undefined) return '';
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return text ? `; its last output:\n${text.split('\n').slice(-15).join('\n')}` : '';
  } catch {
    return '';
  }
}
