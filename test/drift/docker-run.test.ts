/**
 * Every `docker run` the Dockerfile's header, the README and docs/ show must start the
 * service as written. No Docker engine runs here, so each command line is read instead:
 * the environment it gives the container (its -e/--env options over the image's ENV
 * lines) goes to the real loadConfig, which is what makes the service exit 78 when a
 * variable production requires is missing. A requirement added to src/config/ then fails
 * here until the documented commands carry it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/index.js';
import { envOf, parseDockerfile } from '../support/dockerfile.js';
import { repoRoot } from '../support/paths.js';

const root = repoRoot();
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Where a command was found, and the text around it that may set what it passes on (`export NAME=...`). */
interface Documented {
  where: string;
  command: string;
  block: string;
}

/** Stands for what `$(openssl rand -base64 48)` prints: 64 characters, as long as any key asks. */
const GENERATED = 'g'.repeat(64);

/** Shell words of one command line: quotes removed, `$(...)` taken as a generated value. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /(?:'([^']*)'|"((?:[^"\\]|\\.)*)"|\$\([^)]*\)|[^\s'"]+)+/g;
  for (const [word] of line.matchAll(pattern)) {
    words.push(
      word
        .replace(/\$\([^)]*\)/g, GENERATED)
        .replace(/'([^']*)'/g, '$1')
        .replace(/"((?:[^"\\]|\\.)*)"/g, '$1'),
    );
  }
  return words;
}

/** The lines of a block with continuations (`\` at the end) joined and shell comments dropped. */
function logicalLines(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}

function commandsIn(where: string, block: string): Documented[] {
  return logicalLines(block)
    .filter((line) => /^(\$\s+)?docker run\s+\S/.test(line))
    .map((command) => ({ where, command: command.replace(/^\$\s+/, ''), block }));
}

/** The Dockerfile's header: the comment lines before the first instruction, without their `#`. */
function dockerfileHeader(): string {
  const lines: string[] = [];
  for (const line of read('Dockerfile').split('\n')) {
    if (!/^#/.test(line)) break;
    if (!/^#\s*syntax=/.test(line)) lines.push(line.replace(/^#\s?/, ''));
  }
  return lines.join('\n');
}

function markdownPages(): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.md'));
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

/** Fenced code blocks, each taken whole, and inline code spans, each on its own. */
function markdownCommands(file: string): Documented[] {
  const text = read(file);
  const fenced = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].flatMap((match) => commandsIn(file, match[1]!));
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  const inline = [...prose.matchAll(/`([^`\n]*docker run[^`\n]*)`/g)].flatMap((match) => commandsIn(file, match[1]!));
  return [...fenced, ...inline];
}

function documentedCommands(): Documented[] {
  return [...commandsIn('Dockerfile', dockerfileHeader()), ...markdownPages().flatMap(markdownCommands)];
}

/** What `export NAME=value` lines of the block set in the shell the command runs from. */
function exportsOf(block: string): Record<string, string> {
  const exported: Record<string, string> = {};
  for (const line of logicalLines(block).filter((line) => /^export\s/.test(line))) {
    for (const word of shellWords(line).slice(1)) {
      const [, name = '', value = ''] = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word) ?? [];
      if (name !== '') exported[name] = value;
    }
  }
  return exported;
}

/** Options of `docker run` that take a value; any other option is a flag. */
const VALUE_OPTIONS = new Set([
  '-e',
  '--env',
  '-p',
  '--publish',
  '-v',
  '--volume',
  '--name',
  '--network',
  '--user',
  '-u',
  '--env-file',
  '--mount',
  '--entrypoint',
]);

/** The environment a `docker run` line gives the container, and the image and arguments it names. */
function runOf({ command, block }: Documented): { env: Record<string, string>; image: string; args: string[] } {
  const words = shellWords(command).slice(2);
  const shell = exportsOf(block);
  const env: Record<string, string> = {};
  let index = 0;
  for (; index < words.length && words[index]!.startsWith('-'); index += 1) {
    const [option = '', inlineValue] = words[index]!.split(/=(.*)/s);
    if (!VALUE_OPTIONS.has(option)) continue;
    const value = inlineValue ?? words[++index] ?? '';
    expect(option, `${command}: --env-file hides what is set; show the variables with -e`).to.not.equal('--env-file');
    if (option !== '-e' && option !== '--env') continue;
    const [, name = '', given] = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(value) ?? [];
    expect(name, `${command}: -e ${value}`).to.not.equal('');
    const passed = given ?? shell[name];
    expect(passed, `${command}: -e ${name} passes it from the shell, but nothing before it in the block exports it`).to.be.a('string');
    env[name] = passed!;
  }
  const [image = '', ...args] = words.slice(index);
  return { env, image, args };
}

describe('The documented docker run commands', () => {
  const runtime = parseDockerfile(read('Dockerfile')).at(-1)!;
  const commands = documentedCommands();

  it('are found in the Dockerfile header, the README and docs/', () => {
    expect(commands.map((found) => found.where)).to.include.members(['Dockerfile', 'docs/operations.md']);
    expect(commands.length).to.be.at.least(4);
  });

  it('each give the image every variable its configuration requires, over the image ENV lines', () => {
    const refused = commands.flatMap((documented) => {
      const { env, image } = runOf(documented);
      if (image !== 'client-auth') return [`${documented.where}: ${documented.command}: runs "${image}", not the client-auth image`];
      try {
        loadConfig({ ...envOf(runtime), ...env });
        return [];
      } catch (error) {
        return [`${documented.where}: ${documented.command}: ${(error as Error).message}`];
      }
    });
    expect(refused).to.deep.equal([]);
  });

  it('would catch a command the production image refuses, as the bare one was', () => {
    const bare = runOf({ where: 'test', command: 'docker run client-auth', block: '' });
    expect(() => loadConfig({ ...envOf(runtime), ...bare.env })).to.throw(/KEY_ENCRYPTION_KEY/);
    const passed = runOf({
      where: 'test',
      command: 'docker run -e KEY_ENCRYPTION_KEY client-auth',
      block: 'export KEY_ENCRYPTION_KEY="$(openssl rand -base64 48)"',
    });
    expect(passed.env).to.deep.equal({ KEY_ENCRYPTION_KEY: GENERATED });
  });
});
