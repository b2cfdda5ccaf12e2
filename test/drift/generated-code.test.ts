import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../support/paths.js';

const root = repoRoot();
const buf = join(root, 'node_modules/.bin/buf');
/**
 * buf's plugins (protoc-gen-ts_proto) are node_modules/.bin scripts that start with
 * `#!/usr/bin/env node`: this Node's folder comes first, so they run on the Node of the suite.
 */
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${join(root, 'node_modules/.bin')}:${process.env['PATH'] ?? ''}` };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('The protos and gen/', function () {
  this.timeout(60000);

  it('pass buf lint', () => {
    const output = execFileSync(process.execPath, [buf, 'lint'], { cwd: root, env, encoding: 'utf8' });
    expect(output.trim()).to.equal('');
  });

  it('ask for no password hint and no secret question: no RPC, message or field of clientauth.v1 names one', () => {
    const protos = filesUnder(join(root, 'proto/clientauth')).filter((path) => path.endsWith('.proto'));
    expect(protos).to.not.deep.equal([]);
    const names = protos.flatMap((path) => {
      const code = readFileSync(path, 'utf8').replace(/\/\/.*$/gm, '');
      const declared = [
        ...code.matchAll(/\b(?:rpc|message|enum)\s+(\w+)/g),
        ...code.matchAll(/^\s*(?:repeated\s+|optional\s+)?(?:map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*\d+/gm),
      ];
      return declared.map((match) => `${relative(root, path)}: ${match[1]}`);
    });
    expect(names.length).to.be.greaterThan(100);
    expect(names.filter((name) => /hint|question|security_?answer|memorable/i.test(name))).to.deep.equal([]);
  });

  it('match gen/ exactly: gen/ holds what the protos generate and nothing else', () => {
    const out = mkdtempSync(join(tmpdir(), 'client-auth-gen-'));
    try {
      execFileSync(process.execPath, [buf, 'generate', '--output', out], { cwd: root, env, encoding: 'utf8' });
      const fresh = filesUnder(join(out, 'gen'))
        .map((path) => relative(join(out, 'gen'), path))
        .sort();
      const committed = filesUnder(join(root, 'gen'))
        .map((path) => relative(join(root, 'gen'), path))
        .sort();
      expect(committed).to.deep.equal(fresh);
      for (const file of fresh) {
        const same = readFileSync(join(out, 'gen', file), 'utf8') === readFileSync(join(root, 'gen', file), 'utf8');
        expect(same, `gen/${file} differs from what the protos generate: run npm run gen`).to.equal(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
