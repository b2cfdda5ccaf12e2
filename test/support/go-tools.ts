/**
 * The Go command-line tools the tests drive (grpcurl, grpc-health-probe, envoy-check, jwks-verify,
 * helm, helm-check, oauth2-proxy, oidc-rp), built by .ci/run into .cache/bin. Missing in CI is a failure; elsewhere
 * the suite skips and says how to build them.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findExecutable, repoRoot } from './paths.js';
import { skipOrFailInCI } from './skip-or-fail.js';

export const TOOLS_BIN = join(repoRoot(), '.cache', 'bin');
/** Where .ci/run's background builds of the slow tools leave `<name>.pending`, `.exit` and `.log`. */
const BACKGROUND_BUILDS = join(repoRoot(), '.cache', 'go-builds');
/** Longer than the slowest background build takes on a fresh 2-core machine. */
const BACKGROUND_BUILD_WAIT_MS = 30 * 60_000;

const INSTALL_HINT: Record<string, string> = {
  grpcurl: 'GOBIN=$PWD/.cache/bin go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3',
  'grpc-health-probe': 'GOBIN=$PWD/.cache/bin go install github.com/grpc-ecosystem/grpc-health-probe@v0.4.63',
  jq: 'apt-get install jq',
  'envoy-check': 'go -C test/interop/envoy-check build -buildvcs=false -o ../../../.cache/bin/envoy-check .',
  'jwks-verify': 'go -C test/interop/jwks-verify build -buildvcs=false -o ../../../.cache/bin/jwks-verify .',
  helm: 'GOBIN=$PWD/.cache/bin go install helm.sh/helm/v4/cmd/helm@v4.3.2',
  'helm-check': 'go -C test/helm build -buildvcs=false -o ../../.cache/bin/helm-check .',
  'oauth2-proxy': 'GOBIN=$PWD/.cache/bin go install github.com/oauth2-proxy/oauth2-proxy/v7@v7.15.6',
  'oidc-rp': 'go -C test/interop/oidc-rp build -buildvcs=false -o ../../../.cache/bin/oidc-rp .',
};

/** Where `name` is: .cache/bin first, then PATH. */
export function findTool(name: string): string | null {
  return findExecutable(name, [TOOLS_BIN, ...(process.env['PATH'] ?? '').split(delimiter)]) ?? null;
}

/** The tool's path; skips the suite (or fails it in CI) when it is missing. */
export function requireTool(context: Mocha.Context, name: string, detail = ''): string {
  const found = findTool(name);
  if (found) return found;
  const reason = `${name} is not in .cache/bin or on PATH; build it with: ${INSTALL_HINT[name] ?? name}${detail}`;
  return skipOrFailInCI(context, reason);
}

/** The pid of the background build of `name` while it runs (its `.pending` file names a live process). */
function backgroundBuilder(name: string): number | undefined {
  const pending = join(BACKGROUND_BUILDS, `${name}.pending`);
  if (!existsSync(pending)) return undefined;
  const pid = Number(readFileSync(pending, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined; // a run that was stopped left it behind
  }
}

/**
 * The tool's path, once .ci/run's background build of it (helm, helm-check, oauth2-proxy on a
 * fresh machine) has ended; then as requireTool, with the build's output when it failed.
 */
export async function awaitTool(context: Mocha.Context, name: string): Promise<string> {
  if (backgroundBuilder(name) !== undefined) {
    context.timeout(BACKGROUND_BUILD_WAIT_MS + 60_000);
    const start = Date.now();
    console.log(`      (waiting for .ci/run's background build of ${name})`);
    while (backgroundBuilder(name) !== undefined && Date.now() - start < BACKGROUND_BUILD_WAIT_MS) await new Promise((resolve) => setTimeout(resolve, 2000));
    console.log(`      (${name} built after ${Math.round((Date.now() - start) / 1000)} s of waiting)`);
  }
  const log = join(BACKGROUND_BUILDS, `${name}.log`);
  const built = existsSync(log) ? `\n.ci/run's background build said:\n${readFileSync(log, 'utf8').trimEnd().split('\n').slice(-20).join('\n')}` : '';
  return requireTool(context, name, built);
}

export interface ToolRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (no shell) and collects its output; never rejects on a non-zero exit. */
export function run(file: string, args: readonly string[], timeoutMs = 15_000): Promise<ToolRun> {
  return collect(spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs }));
}

/** Runs a bash script with .cache/bin first on PATH, as a reader would in their shell. */
export function runBash(script: string, timeoutMs = 30_000): Promise<ToolRun> {
  return collect(
    spawn('bash', ['-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      env: { ...process.env, PATH: `${TOOLS_BIN}${delimiter}${process.env['PATH'] ?? ''}` },
    }),
  );
}

function collect(child: ReturnType<typeof spawn>): Promise<ToolRun> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}
