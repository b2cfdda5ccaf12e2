/**
 * The shape of the code, as docs/architecture.md describes it: capabilities that meet only
 * through their ports, a domain that knows no transport or store, no import cycles, an
 * empty src/ root, one name per file, and files short enough to hold one job.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expect } from 'chai';
import { importCycles, importGraph, sourceFiles, specifiersOf } from '../support/import-graph.js';
import { repoRoot } from '../support/paths.js';

const root = repoRoot();
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const FORBIDDEN_IN_DOMAIN =
  /^(@grpc\/|mongodb|ioredis|koa|@koa\/|better-sqlite3|pino|prom-client|bcrypt|@node-rs\/|jsonwebtoken|nodemailer|otpauth|@simplewebauthn\/|node:http|node:net|node:fs)/;
const MAX_LINES = 300;

/** `src/domain/<capability>/...` → the capability; null outside the domain. */
function capabilityOf(file: string): string | null {
  return /^src\/domain\/([^/]+)\//.exec(file)?.[1] ?? null;
}

/**
 * Imports that cross a capability's boundary other than through its door: a capability may
 * import its own files, the kernel, and another capability's ports.ts only; the kernel
 * imports the kernel only.
 */
function boundaryOffences(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const offences: string[] = [];
  for (const [file, targets] of graph) {
    const from = capabilityOf(file);
    if (from === null) continue;
    for (const target of targets) {
      const to = capabilityOf(target);
      if (to === null || to === from) continue;
      const allowed = from === 'kernel' ? false : to === 'kernel' || basename(target) === 'ports.ts';
      if (!allowed) offences.push(`${file} -> ${target}`);
    }
  }
  return offences;
}

describe('The architecture', () => {
  const code = sourceFiles(root, ['src', 'bridge']);
  const graph = importGraph(root, code);

  describe('the domain', () => {
    const domain = code.filter((file) => file.startsWith('src/domain/'));

    it('imports no transport, database, logging or crypto library, and nothing outside src/domain', () => {
      const offenders = domain.flatMap((file) =>
        specifiersOf(read(file))
          .filter(
            (specifier) => FORBIDDEN_IN_DOMAIN.test(specifier) || (specifier.startsWith('.') && !join(dirname(file), specifier).startsWith('src/domain/')),
          )
          .map((specifier) => `${file}: ${specifier}`),
      );
      expect(offenders).to.deep.equal([]);
    });

    it('is capability folders only, each with its ports.ts, beside the kernel', () => {
      const entries = readdirSync(join(root, 'src/domain'));
      expect(entries.filter((entry) => !statSync(join(root, 'src/domain', entry)).isDirectory())).to.deep.equal([]);
      const withoutPorts = entries.filter((entry) => entry !== 'kernel' && !domain.includes(`src/domain/${entry}/ports.ts`));
      expect(withoutPorts).to.deep.equal([]);
    });

    it('lets capabilities meet only through ports.ts and the kernel, and the kernel import only itself', () => {
      expect(boundaryOffences(graph)).to.deep.equal([]);
    });

    it('would report an import of another capability past its ports, and a kernel that imports a capability', () => {
      const planted = new Map([
        ['src/domain/sessions/login.ts', ['src/domain/clients/records.ts', 'src/domain/clients/ports.ts', 'src/domain/kernel/errors.ts']],
        ['src/domain/kernel/errors.ts', ['src/domain/audit/ports.ts']],
      ]);
      expect(boundaryOffences(planted)).to.deep.equal([
        'src/domain/sessions/login.ts -> src/domain/clients/records.ts',
        'src/domain/kernel/errors.ts -> src/domain/audit/ports.ts',
      ]);
    });
  });

  it('reads the views and pages written in TSX like any other source, their imports included', () => {
    expect(code).to.include.members(['bridge/views/layout.tsx', 'bridge/routes/sign-in-pages.tsx']);
    expect(graph.get('bridge/routes/sign-in-pages.tsx')).to.include.members(['bridge/views/sign-in-view.tsx', 'bridge/pages/form.ts']);
    expect(graph.get('bridge/views/sign-in-view.tsx')).to.include('bridge/views/layout.tsx');
  });

  it('has no import cycle in src/ and bridge/, type-only and dynamic imports included', () => {
    expect(importCycles(graph)).to.deep.equal([]);
  });

  it('would report a cycle, however long, and a file that imports itself', () => {
    const planted = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(importCycles(planted)).to.deep.equal([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
  });

  it('keeps the src/ root to the entry point and the public index', () => {
    const files = readdirSync(join(root, 'src')).filter((entry) => !statSync(join(root, 'src', entry)).isDirectory());
    expect(files.sort()).to.deep.equal(['index.ts', 'main.ts']);
  });

  it("gives no two files in src/ and bridge/ the same name, but for each capability's ports.ts and the index files", () => {
    const byName = new Map<string, string[]>();
    for (const file of code) byName.set(basename(file), [...(byName.get(basename(file)) ?? []), file]);
    const shared = [...byName].filter(([name, files]) => files.length > 1 && name !== 'ports.ts' && name !== 'index.ts');
    expect(Object.fromEntries(shared)).to.deep.equal({});
  });

  it(`keeps every file in src/ and bridge/ under ${MAX_LINES} lines`, () => {
    const long = code.filter((file) => read(file).replace(/\n$/, '').split('\n').length > MAX_LINES);
    expect(long).to.deep.equal([]);
  });

  it('builds the SDK (what other services import) on the generated code and grpc-js alone', () => {
    const offenders = code
      .filter((file) => file.startsWith('src/sdk/'))
      .flatMap((file) => specifiersOf(read(file)).map((specifier) => ({ file, specifier })))
      .filter(
        ({ specifier }) =>
          !(specifier.startsWith('./') || specifier.startsWith('../../gen/') || specifier === '@grpc/grpc-js' || specifier.startsWith('node:')),
      );
    expect(offenders).to.deep.equal([]);
  });

  it('reads the environment only in src/config/index.ts (entry points just hand it to loadConfig, tracingConfig, operatorHeapFlags, compileCacheConfig or compileCacheDirRequired)', () => {
    const offenders = code.filter(
      (file) =>
        file !== 'src/config/index.ts' &&
        /process\.env\b/.test(
          read(file)
            .replaceAll('loadConfig(process.env)', '')
            .replaceAll('tracingConfig(process.env)', '')
            .replaceAll('operatorHeapFlags(process.env', '')
            .replaceAll('compileCacheConfig(process.env)', '')
            .replaceAll('compileCacheDirRequired(process.env)', ''),
        ),
    );
    expect(offenders).to.deep.equal([]);
  });

  it('draws every random value from node:crypto: nothing in src/ or bridge/ calls Math.random', () => {
    expect(code.filter((file) => /\bMath\.random\b/.test(read(file)))).to.deep.equal([]);
  });

  it('keeps driver names out of the transports: the adapters translate their failures into domain errors', () => {
    const offenders = code
      .filter((file) => file.startsWith('src/transport/') || file.startsWith('bridge/'))
      .filter((file) => /\b(Mongo\w*Error|SqliteError|ReplyError|OUTAGE_ERRORS)\b|from ['"](mongodb|ioredis|better-sqlite3)/.test(read(file)));
    expect(offenders).to.deep.equal([]);
  });
});
