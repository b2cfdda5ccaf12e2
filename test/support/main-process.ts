/** `node dist/src/main.js` as a deployment runs it, for the suites that test the entry point itself. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface StartedMain {
  child: ChildProcess;
  /** Log lines by message, once the process said it listens. */
  lines: Array<Record<string, unknown>>;
  exit: Promise<number | null>;
}

/** Runs `node dist/src/main.js <role>` and waits until every expected "listening" line is logged. */
export async function runMain(role: string[], env: Record<string, string>, expected: string[]): Promise<StartedMain> {
  const child = spawn(process.execPath, [join(repoRoot(), 'dist/src/main.js'), ...role], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          lines.push(JSON.parse(line));
        } catch {
          // not a log line
        }
        if (expected.every((message) => lines.some((entry) => entry['msg'] === message))) resolve();
      }
    });
    void exit.then((code) => reject(new Error(`main.js ${role.join(' ')} exited with ${code} before listening: ${stderr}`)));
  });
  return { child, lines, exit };
}

export const portOf = (started: StartedMain, message: string) => started.lines.find((entry) => entry['msg'] === message)!['port'] as number;
