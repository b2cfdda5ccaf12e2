/** The import-original command run as an operator runs it: the built entry point, in its own process. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `import-original` with `env` as its whole environment (plus PATH); never throws on a non-zero exit. */
export async function runImportCommand(env: Record<string, string>, args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(repoRoot(), 'dist/src/main.js'), 'import-original', ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
