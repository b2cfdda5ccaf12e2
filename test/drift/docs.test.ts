/**
 * The documentation that cannot drift: the configuration and error pages are written from
 * the code (`npm run docs`), and every link in the README and docs/ resolves.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CONFIGURATION_PAGE, configurationPage } from '../../src/build/config-page.js';
import { ERRORS_PAGE, errorsPage } from '../../src/build/errors-page.js';
import { CONFIGURATION } from '../../src/config/variable-catalogue.js';
import { brokenLinks } from '../support/markdown-links.js';
import { repoRoot } from '../support/paths.js';

const root = repoRoot();
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Every variable src/config/ reads, from its source: `read.x('NAME'` and `env['NAME']`. */
function variablesRead(): Set<string> {
  const source = readdirSync(join(root, 'src/config'))
    .filter((name) => name.endsWith('.ts') && !/^variable/.test(name))
    .map((name) => read(`src/config/${name}`))
    .join('\n');
  const names = [...source.matchAll(/\bread\.\w+\(\s*'([A-Z][A-Z0-9_]*)'/g), ...source.matchAll(/\benv\[\s*'([A-Z][A-Z0-9_]*)'\s*\]/g)].map(
    (match) => match[1]!,
  );
  return new Set(names);
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.md'));
  return ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...docs.map((name) => `docs/${name}`)];
}

describe('The generated documentation', () => {
  it(`${CONFIGURATION_PAGE} is what npm run docs writes from src/config/variables.ts`, () => {
    expect(read(CONFIGURATION_PAGE)).to.equal(configurationPage());
  });

  it(`${ERRORS_PAGE} is what npm run docs writes from the reason catalogues`, () => {
    expect(read(ERRORS_PAGE)).to.equal(errorsPage());
  });

  it('documents every variable src/config/ reads, and none it no longer reads', () => {
    const documented = new Set(CONFIGURATION.flatMap((section) => section.variables.flatMap((variable) => [...variable.names, ...(variable.alsoReads ?? [])])));
    const read = variablesRead();
    expect([...read].filter((name) => !documented.has(name)).sort(), 'read but not documented').to.deep.equal([]);
    expect([...documented].filter((name) => !read.has(name)).sort(), 'documented but not read').to.deep.equal([]);
  });
});

describe('The links of the README and docs/', () => {
  it('all resolve, to a file of the repository and to a heading within it', () => {
    expect(markdownFiles().flatMap((file) => brokenLinks(root, file))).to.deep.equal([]);
  });

  it('would report a link to a missing file and to a missing heading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'client-auth-links-'));
    try {
      writeFileSync(join(dir, 'page.md'), '# Page\n\n## A section\n');
      writeFileSync(join(dir, 'index.md'), '[ok](page.md#a-section) [file](gone.md) [heading](page.md#no-such) [self](#top) `[code](gone.md)`\n\n# Top\n');
      expect(brokenLinks(dir, 'index.md')).to.deep.equal(['index.md: gone.md', 'index.md: page.md#no-such']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('The ways to sign in (docs/security.md)', () => {
  it('name every RPC that answers with an access token, so no way in goes undocumented', () => {
    const protos = readdirSync(join(root, 'proto/clientauth/v1'))
      .filter((name) => name.endsWith('.proto'))
      .map((name) => read(`proto/clientauth/v1/${name}`).replace(/\/\/.*$/gm, ''))
      .join('\n');
    const withToken = new Set([...protos.matchAll(/message (\w+) \{[^}]*\bstring access_token = \d+;/g)].map((match) => match[1]!));
    const rpcs = [...protos.matchAll(/rpc (\w+)\(\w+\) returns \((\w+)\)/g)].filter((match) => withToken.has(match[2]!)).map((match) => match[1]!);
    expect(rpcs).to.include.members(['Login', 'RefreshToken']);
    const section = read('docs/security.md').split('\n## Ways to sign in\n')[1]?.split('\n## ')[0] ?? '';
    expect(rpcs.filter((rpc) => !section.includes(`\`${rpc}\``))).to.deep.equal([]);
  });
});
