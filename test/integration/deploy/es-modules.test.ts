/**
 * The build is native ES modules with `verbatimModuleSyntax`: every import says whether it
 * is a value or a type, and the compiler refuses one that does not. A consumer of the
 * package gets the typed client with `import`, and with `require` from CommonJS.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../../support/paths.js';

const root = repoRoot();

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
}

/** Type-checks `source` with the options of tsconfig.build.json; returns tsc's output, or '' when it compiles. */
function typeCheckWithBuildOptions(source: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-auth-tsc-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    fs.writeFileSync(path.join(dir, 'probe.ts'), source);
    const config = {
      extends: path.join(root, 'tsconfig.build.json'),
      compilerOptions: { rootDir: '/', noEmit: true, typeRoots: [path.join(root, 'node_modules', '@types')] },
      include: ['probe.ts'],
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
    const tsc = spawnSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', dir], { encoding: 'utf8', timeout: 60_000 });
    return tsc.status === 0 ? '' : `${tsc.stdout}${tsc.stderr}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `script` with node in a folder where the package is installed as `client-auth`; returns stdout. */
function consume(flags: string[], script: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-auth-consumer-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'client-auth'));
    const run = spawnSync(process.execPath, [...flags, '-e', script], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).to.equal(0);
    return run.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('The build: ES modules, imports that say what they are', function () {
  this.timeout(60000);

  it('is configured as native ES modules with verbatimModuleSyntax', () => {
    const options = readJson('tsconfig.build.json')['compilerOptions'] as Record<string, unknown>;
    expect(options).to.include({ verbatimModuleSyntax: true, module: 'nodenext', moduleResolution: 'nodenext' });
    expect(readJson('package.json')).to.include({ type: 'module' });
  });

  it('emits ES modules: the entry point imports, and nothing is required or exported CommonJS-style', () => {
    const main = fs.readFileSync(path.join(root, 'dist/src/main.js'), 'utf8');
    expect(main).to.match(/^import \{ tracingStarted \} from '\.\/observability\/tracing\/preload\.js';$/m);
    const index = fs.readFileSync(path.join(root, 'dist/src/index.js'), 'utf8');
    expect(index).to.match(/^export \{ createClientAuthClient\b/m);
    expect(`${main}\n${index}`).to.not.match(/\brequire\(|\bexports\.|module\.exports/);
  });

  it('refuses to build a type imported as if it were a value, and builds it imported as a type', () => {
    const config = JSON.stringify(path.join(root, 'src/config/index.js'));
    const asValue = typeCheckWithBuildOptions(`import { Config } from ${config};\nexport const probe: Config | null = null;\n`);
    expect(asValue).to.match(/TS1484/);
    expect(typeCheckWithBuildOptions(`import type { Config } from ${config};\nexport const probe: Config | null = null;\n`)).to.equal('');
  });

  it('gives the typed client and RevocationWatcher to a consumer that imports the package, and to one that requires it', () => {
    const probe = 'console.log(typeof pkg.createClientAuthClient, typeof pkg.RevocationWatcher, typeof pkg.LoginRequest.encode)';
    expect(consume(['--input-type=module'], `import * as pkg from 'client-auth'; ${probe}`).trim()).to.equal('function function function');
    expect(consume(['--input-type=commonjs'], `const pkg = require('client-auth'); ${probe}`).trim()).to.equal('function function function');
  });
});
