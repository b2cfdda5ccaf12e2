/**
 * Node's compile cache for the service's code (ADR 0025): with COMPILE_CACHE_DIR, a start
 * keeps the compiled code of what it loaded there and the next start reads it; a folder that
 * cannot be used, or a Node without the cache (before 22.1), still starts and serves, and
 * says why the cache is not used.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually } from '../../support/eventually.js';
import { runMain } from '../../support/main-process.js';
import { repoRoot } from '../../support/paths.js';
import { embeddedEnv, SETUP_TITLES, SETUPS, setupEnv } from '../../support/server.js';

/** Node 22.1 and later. */
const nodeHasCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** Every file under `dir`, at any depth. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const USED = 'compiled code read from and kept in COMPILE_CACHE_DIR';
const NOT_USED = 'COMPILE_CACHE_DIR is set but not used: every module is compiled at start';
const CACHE_LINES = [USED, NOT_USED];

/** Starts main.js in the server role, reads its lines until it listens, and stops it. */
async function startOnce(env: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const started = await runMain(['server'], { ...env, LOG_LEVEL: 'info' }, ['gRPC server listening']);
  // The cache's line comes right after the listeners'.
  await eventually(() => started.lines.some((line) => CACHE_LINES.includes(String(line['msg']))), { timeoutMs: 10_000, what: "the compile cache's line" });
  started.child.kill('SIGTERM');
  expect(await started.exit).to.equal(0);
  return started.lines;
}

const said = (lines: Array<Record<string, unknown>>, message: string) => lines.find((line) => line['msg'] === message);

describe('The compile cache (COMPILE_CACHE_DIR)', function () {
  this.timeout(60_000);

  for (const setup of SETUPS) {
    it(`${SETUP_TITLES[setup]}: ${nodeHasCache ? 'a start fills the folder and the next start reads it' : `starts and serves, and says this Node (${process.version}) has no cache`}`, async function () {
      const dir = join(mkdtempSync(join(tmpdir(), 'client-auth-compile-cache-')), 'cache');
      const env = setupEnv(setup, this, 'compile_cache', { COMPILE_CACHE_DIR: dir });
      const first = await startOnce(env);
      if (!nodeHasCache) {
        expect(said(first, NOT_USED)).to.include({ dir });
        expect(String(said(first, NOT_USED)?.['reason'])).to.contain(process.version);
        return;
      }
      expect(said(first, USED)).to.include({ dir });
      const kept = filesUnder(dir);
      expect(kept.length, 'entries in the cache after the first start').to.be.greaterThan(10);
      const second = await startOnce(env);
      expect(said(second, USED)).to.include({ dir });
      expect(filesUnder(dir).length, 'a second start of the same build adds no entry').to.equal(kept.length);
    });
  }

  it('starts and serves when the folder cannot be used (a file is in its place), and says so', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'client-auth-compile-cache-')), 'not-a-folder');
    writeFileSync(file, 'x');
    const lines = await startOnce(embeddedEnv({ COMPILE_CACHE_DIR: file }));
    expect(said(lines, NOT_USED)).to.include({ dir: file });
    expect(said(lines, USED)).to.equal(undefined);
  });

  for (const [what, value] of [
    ['unset', undefined],
    ['relative', 'compile-cache'],
  ] as const) {
    it(`main.js compile fails, naming COMPILE_CACHE_DIR, when it is ${what}: the image build would ship no cache`, async () => {
      const { spawnSync } = await import('node:child_process');
      const run = spawnSync(process.execPath, [join(repoRoot(), 'dist/src/main.js'), 'compile'], {
        env: { PATH: process.env['PATH'] ?? '', ...(value === undefined ? {} : { COMPILE_CACHE_DIR: value }) },
        cwd: mkdtempSync(join(tmpdir(), 'client-auth-compile-cache-')),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status, run.stderr).to.equal(78);
      expect(run.stderr).to.contain('COMPILE_CACHE_DIR');
      expect(run.stderr).not.to.contain('compiled');
    });
  }

  it(`main.js compile ${nodeHasCache ? 'leaves every module of the bundle in the folder' : 'exits 0 on a Node without the cache'}, starting nothing`, async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'client-auth-compile-cache-')), 'cache');
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, [join(repoRoot(), 'dist/src/main.js'), 'compile'], {
      env: { PATH: process.env['PATH'] ?? '', COMPILE_CACHE_DIR: dir },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout, 'no log line: nothing started').to.equal('');
    const chunks = readdirSync(join(repoRoot(), 'dist/bundle')).filter((name) => name.endsWith('.js'));
    expect(run.stderr).to.contain(`compiled ${chunks.length} modules of the bundle`);
    if (nodeHasCache) expect(filesUnder(dir).length).to.be.at.least(chunks.length);
  });
});
