/**
 * One Node major everywhere: the one `.ci/run` pins and runs the suite on, the newest one
 * `engines` admits, and the one every stage of the Dockerfile starts from. Node 20 reached
 * its end of life in April 2026, so nothing may still admit it (docs/operations.md, "Node").
 * Under CI=true the suite itself must be running on that major: a `.ci/run` that put
 * another Node first on PATH would otherwise pass on the machine's own Node.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { parseDockerfile } from '../support/dockerfile.js';
import { repoRoot } from '../support/paths.js';

const root = repoRoot();
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The oldest major still maintained (Node 22 is in maintenance until April 2027). */
const OLDEST_MAINTAINED = 22;

/** The Node version `.ci/run` installs: its `node_version=24.x.y` line. */
function ciNodeVersion(): string {
  const match = /^node_version=(\d+\.\d+\.\d+)$/m.exec(read('.ci/run'));
  expect(match, '.ci/run pins its Node as node_version=MAJOR.MINOR.PATCH').to.not.equal(null);
  return match![1]!;
}

const majorOf = (version: string) => Number(/^v?(\d+)/.exec(version)![1]);

/** The majors a range of `engines` names, one per `||` alternative. */
function engineMajors(range: string): number[] {
  return range.split('||').map((alternative) => {
    const match = /^\s*(?:\^|~|>=)?\s*(\d+)(?:\.\d+){0,2}\s*$/.exec(alternative);
    expect(match, `engines.node alternative "${alternative.trim()}" is ^, ~ or >= one version`).to.not.equal(null);
    return Number(match![1]);
  });
}

/** The TypeScript sources of the service, the bridge and the tests. */
function sources(dir = root, into: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) {
      if (dir !== root || ['src', 'bridge', 'test'].includes(name)) sources(file, into);
    } else if (name.endsWith('.ts')) into.push(file);
  }
  return into;
}

describe('The Node version', () => {
  it('is one major in .ci/run, engines and every FROM of the Dockerfile', () => {
    const major = majorOf(ciNodeVersion());
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const majors = engineMajors(engines);
    expect(Math.max(...majors), `engines.node (${engines}) names the major CI runs on as its newest`).to.equal(major);
    expect(Math.min(...majors), `engines.node (${engines}) admits no Node past its end of life`).to.be.at.least(OLDEST_MAINTAINED);
    const stages = parseDockerfile(read('Dockerfile'));
    const stageNames = new Set(stages.map((stage) => stage.name));
    // A FROM that names an earlier stage inherits that stage's image.
    const images = stages.map((stage) => stage.image).filter((image) => !stageNames.has(image));
    expect(images.length, 'the Dockerfile has base images').to.be.above(0);
    for (const image of images) expect(image, 'a FROM of the Dockerfile').to.match(new RegExp(`^node:${major}-`));
  });

  it('names that major where the docs tell which Node to use', () => {
    const major = majorOf(ciNodeVersion());
    for (const file of ['README.md', 'CONTRIBUTING.md', 'docs/operations.md']) expect(read(file), file).to.include(`Node ${major}`);
    // The set-up instructions send no one to the Node past its end of life.
    for (const file of ['README.md', 'CONTRIBUTING.md']) expect(read(file), file).not.to.match(/\bNode 20\b/);
  });

  it('is the one that runs the suite in every child Node the tests and scripts start', () => {
    const wrong: string[] = [];
    for (const file of sources()) {
      const code = readFileSync(file, 'utf8');
      const where = relative(root, file);
      // `node` by name is whichever Node is first on PATH, not necessarily this one.
      if (/\b(?:spawn|spawnSync|exec|execSync|execFile|execFileSync|fork|run)\(\s*['"`]node['"`]/.test(code)) wrong.push(`${where}: starts 'node' by name`);
      // A node_modules/.bin script starts with `#!/usr/bin/env node`: the same, unless this Node runs it.
      for (const [, name] of code.matchAll(/const (\w+) = join\([^)]*'node_modules\/\.bin\/[^']+'\)/g)) {
        if (new RegExp(`\\b(?:spawn|spawnSync|execFile|execFileSync)\\(\\s*${name}\\b`).test(code)) wrong.push(`${where}: runs ${name} by its #! line`);
      }
      // Tools whose plugins are node_modules/.bin scripts must find this Node first on PATH.
      if (/PATH:.*node_modules\/\.bin/.test(code) && !/dirname\(process\.execPath\)/.test(code))
        wrong.push(`${where}: a PATH without this Node's folder first`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('runs this suite on that major under CI', function () {
    if (process.env['CI'] !== 'true') this.skip();
    expect(process.version, `.ci/run's Node is first on PATH (${process.execPath})`).to.match(new RegExp(`^v${majorOf(ciNodeVersion())}\\.`));
  });
});
