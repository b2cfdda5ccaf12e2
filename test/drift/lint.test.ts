/**
 * The linter CI runs (Biome, from `npm test`): the code passes it, and it refuses what the
 * code never does: a floating promise, an unused import or variable, imports out of order.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../support/paths.js';

const root = repoRoot();
const biome = join(root, 'node_modules/.bin/biome');

/**
 * Runs `biome check` with the project's configuration over one planted source file (at
 * `file`, a path as in the repository); returns its diagnostics' rule names.
 */
function complaintsAbout(source: string, file = 'src/planted.ts'): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'client-auth-lint-'));
  try {
    copyFileSync(join(root, 'biome.json'), join(dir, 'biome.json'));
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    writeFileSync(join(dir, file), source);
    try {
      execFileSync(process.execPath, [biome, 'check', '--vcs-enabled=false', '--max-diagnostics=50', dirname(file)], {
        cwd: dir,
        encoding: 'utf8',
        stdio: 'pipe',
      });
      return [];
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
      return [...new Set([...output.matchAll(/(lint\/\w+\/\w+|assist\/source\/organizeImports|\bformat\b)/g)].map((match) => match[1]!))];
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('The linter (Biome)', function () {
  this.timeout(60000);

  it('passes the whole tree', () => {
    const output = execFileSync(process.execPath, [biome, 'check', '.'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    expect(output).to.not.match(/error/i);
  });

  it('accepts code written the way the project writes it', () => {
    expect(complaintsAbout("import { a } from './a.js';\nimport { b } from './b.js';\n\nexport const sum = a + b;\n")).to.deep.equal([]);
  });

  it('refuses a floating promise', () => {
    expect(complaintsAbout('async function work(): Promise<void> {}\n\nexport function start(): void {\n  work();\n}\n')).to.include(
      'lint/nursery/noFloatingPromises',
    );
  });

  it('refuses an unused import and an unused variable', () => {
    const complaints = complaintsAbout("import { a } from './a.js';\n\nexport function f(): number {\n  const unused = 1;\n  return 2;\n}\n");
    expect(complaints).to.include.members(['lint/correctness/noUnusedImports', 'lint/correctness/noUnusedVariables']);
  });

  it('refuses dangerouslySetInnerHTML in a view, the one way around the escaping of the pages (ADR 0011)', () => {
    const view = 'export function Planted({ html }: { html: string }) {\n  return <p dangerouslySetInnerHTML={{ __html: html }} />;\n}\n';
    expect(complaintsAbout(view, 'bridge/views/planted.tsx')).to.include('lint/security/noDangerouslySetInnerHtml');
  });

  it('refuses imports out of order', () => {
    expect(complaintsAbout("import { b } from './b.js';\nimport { a } from './a.js';\n\nexport const sum = a + b;\n")).to.include(
      'assist/source/organizeImports',
    );
  });
});
