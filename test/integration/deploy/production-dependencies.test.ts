/**
 * What a production install (`npm ci --omit=dev`, as the Dockerfile's runtime stage does)
 * has is what `dependencies` lists. Every package the running service can load must be
 * there, or the image fails at start or at the first request that loads it.
 */

import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../../support/paths.js';

/** The compiled code a production image runs: everything in dist but the tests and the build tools. */
const RUNTIME_DIRS = ['dist/src', 'dist/bridge', 'dist/gen'];
const BUILD_TOOLS = 'dist/src/build';

/** Module names in import/export-from, import(), require() and createRequire(...)() calls. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\)\s*\(\s*)(['"])([^'"\n]+)\1/g;

function runtimeFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path.relative(repoRoot(), file) !== BUILD_TOOLS) walk(file);
      } else if (entry.name.endsWith('.js')) files.push(file);
    }
  };
  for (const dir of RUNTIME_DIRS) walk(path.join(repoRoot(), dir));
  return files;
}

function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || specifier.startsWith('file:')) return null;
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  return builtinModules.includes(name) ? null : name;
}

describe('Production dependencies', () => {
  it('lists in `dependencies` every package the compiled service imports or requires', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const missing = new Map<string, string>();
    let seen = 0;
    for (const file of runtimeFiles()) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
        const name = packageOf(match[2]!);
        if (name === null) continue;
        seen++;
        if (!(name in manifest.dependencies)) missing.set(name, path.relative(repoRoot(), file));
      }
    }
    expect(seen, 'the scan found the packages the service imports').to.be.above(30);
    expect(Object.fromEntries(missing)).to.deep.equal({});
  });

  it('keeps the build-only packages (the bundler, the password dictionaries) out of `dependencies`, and pins the strength estimator', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).to.not.include.members(['esbuild']);
    expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('@zxcvbn-ts/language-'))).to.deep.equal([]);
    // The adapter relies on how this version reads its dictionaries: an upgrade is a decision, checked by its test.
    expect(manifest.dependencies['@zxcvbn-ts/core']).to.match(/^\d+\.\d+\.\d+$/);
  });
});
