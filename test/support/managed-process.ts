/**
 * Child processes the test harness starts (FerretDB, Redis) and the temp directories they
 * use: every one is killed and removed when the run ends, however it ends. A detached
 * watchdog process covers the endings that skip Node's 'exit' listeners.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually } from './eventually.js';

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
export const LOG_PREFIX = '[test services]';

export interface Managed {
  name: string;
  proc: ChildProcess;
  port: number;
  logFile: string;
  exited: Promise<void>;
  hasExited: boolean;
}

const running = new Set<Managed>();
const tempDirs: string[] = [];
let exitHooksInstalled = false;

export function log(msg: string): void {
  console.log(`${LOG_PREFIX} ${msg}`);
}

function tailOfFile(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    if (!text) return '(no output)';
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

export function spawnLogged(name: string, bin: string, args: string[], port: number, logFile: string): Managed {
  const fd = fs.openSync(logFile, 'a');
  let proc: ChildProcess;
  try {
    proc = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: false });
  } finally {
    fs.closeSync(fd);
  }
  // Never let a child keep mocha alive; teardown and the exit hooks kill it.
  proc.unref();
  installExitHooks();
  if (proc.pid !== undefined) tellWatchdog(`P ${proc.pid}`);
  const m: Managed = { name, proc, port, logFile, hasExited: false, exited: Promise.resolve() };
  running.add(m);
  m.exited = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      m.hasExited = true;
      running.delete(m);
      if (proc.pid !== undefined) tellWatchdog(`p ${proc.pid}`);
      resolve();
    });
    proc.once('error', (err) => {
      fs.appendFileSync(logFile, `\nspawn error: ${err.message}\n`);
      m.hasExited = true;
      running.delete(m);
      resolve();
    });
  });
  return m;
}

/** Polls `probe` until it succeeds, the process dies, or the timeout passes. */
export async function waitReady(m: Managed, probe: () => Promise<boolean>): Promise<void> {
  await eventually(
    async () => {
      if (m.hasExited) {
        throw new Error(
          `${m.name} exited during start-up (exit code ${m.proc.exitCode}, signal ${m.proc.signalCode}). ` + `Last output:\n${tailOfFile(m.logFile)}`,
        );
      }
      return probe();
    },
    {
      timeoutMs: STARTUP_TIMEOUT_MS,
      intervalMs: 200,
      what: () => `${m.name} to accept connections on 127.0.0.1:${m.port}. Last output:\n${tailOfFile(m.logFile)}`,
    },
  );
}

/** Resolves true if `p` settles within `ms`, false otherwise; never leaves a timer behind. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function stopProcess(m: Managed): Promise<void> {
  if (m.hasExited) return;
  m.proc.kill('SIGTERM');
  if (!(await within(m.exited, STOP_GRACE_MS))) {
    log(`${m.name} (pid ${m.proc.pid}) did not stop within ${STOP_GRACE_MS / 1000} s after SIGTERM; sending SIGKILL`);
    m.proc.kill('SIGKILL');
    await within(m.exited, STOP_GRACE_MS);
  }
}

/** Stops every process started here, removes the temp directories and lets the watchdog go. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map(stopProcess));
  removeTempDirs();
  stopWatchdog();
}

function killAllSync(): void {
  for (const m of running) {
    try {
      m.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  removeTempDirs();
}

function removeTempDirs(): void {
  while (tempDirs.length) {
    const dir = tempDirs.pop()!;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
    tellWatchdog(`d ${dir}`);
  }
}

/*
 * Watchdog: a small detached node process that holds a pipe from this process.
 * When this process dies in a way that skips 'exit' listeners (SIGKILL, a
 * crash in Node's fatal-exception handler such as EPIPE on a closed stdout
 * with `mocha | head`), the pipe closes and the watchdog SIGKILLs the children
 * still registered and removes the temp dirs. Protocol, one line each:
 * `P pid` / `p pid` register / forget a child, `D dir` / `d dir` a directory.
 */
const WATCHDOG_SOURCE = `
const fs = require('fs');
const pids = new Set();
const dirs = new Set();
let buf = '';
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    const arg = line.slice(2);
    if (line[0] === 'P') pids.add(arg);
    else if (line[0] === 'p') pids.delete(arg);
    else if (line[0] === 'D') dirs.add(arg);
    else if (line[0] === 'd') dirs.delete(arg);
  }
});
process.stdin.on('end', () => {
  for (const pid of pids) { try { process.kill(Number(pid), 'SIGKILL'); } catch {} }
  setTimeout(() => {
    for (const dir of dirs) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
    process.exit(0);
  }, pids.size ? 300 : 0);
});
`;

let watchdog: ChildProcess | undefined;

function startWatchdog(): void {
  if (watchdog) return;
  try {
    watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true, // own process group: a terminal Ctrl-C does not stop it before it cleans up
    });
    watchdog.on('error', () => {
      watchdog = undefined;
    });
    watchdog.stdin?.on('error', () => undefined);
    watchdog.unref();
    (watchdog.stdin as net.Socket | null)?.unref();
  } catch {
    watchdog = undefined; // cleanup then relies on the 'exit' and signal hooks only
  }
}

function tellWatchdog(line: string): void {
  const stdin = watchdog?.stdin;
  if (stdin?.writable) stdin.write(`${line}\n`);
}

function stopWatchdog(): void {
  watchdog?.stdin?.end();
  watchdog = undefined;
}

function installExitHooks(): void {
  startWatchdog();
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // Abrupt exit (process.exit, uncaught error, mocha --exit): kill the children synchronously.
  // Prepended so that it still runs when another 'exit' listener throws (e.g. EPIPE on stdout).
  process.prependListener('exit', killAllSync);
  // By default these signals end Node without 'exit' events, which would leave the children running.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllSync();
      // Re-raise: with no other listener left, the default action ends the process as before.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  installExitHooks();
  tellWatchdog(`D ${dir}`);
  return dir;
}
