/** Where things are on this machine: the repository, executables, free loopback ports. */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Repository root: nearest directory with a package.json above this file (else above cwd). */
export function repoRoot(): string {
  for (const start of [import.meta.dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return process.cwd();
}

/** Whether `file` is a regular file this process may execute. */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The executable the environment variable `variable` names, or undefined when it is unset;
 * throws when it is set to anything else, since a given path is never silently ignored.
 */
export function executableFromEnv(variable: string): string | undefined {
  const fromEnv = process.env[variable];
  if (!fromEnv) return undefined;
  if (!isExecutable(fromEnv)) throw new Error(`${variable}=${fromEnv} is not an executable file.`);
  return fromEnv;
}

/** The first executable `cmd` in `dirs` (PATH when not given). */
export function findExecutable(cmd: string, dirs: readonly string[] = (process.env['PATH'] ?? '').split(path.delimiter)): string | undefined {
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Asks the OS for a free loopback port (listen on port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}
