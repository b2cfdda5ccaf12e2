/**
 * The bundle gives the MongoDB driver's connection-string parser (mongodb-connection-string-url)
 * Node's own WHATWG URL in place of the whatwg-url package (src/build/bundle.ts): loading
 * whatwg-url and tr46's mapping table was some 7 % of the shared set-up's start. Here the
 * parser, loaded once with each, must read every connection string the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../../support/paths.js';

interface ConnectionString {
  toString(): string;
  hosts: string[];
  username: string;
  password: string;
  pathname: string;
  isSRV: boolean;
  searchParams: URLSearchParams;
  redact(): ConnectionString;
}
type Parser = new (uri: string, options?: { looseValidation?: boolean }) => ConnectionString;

const requireHere = createRequire(import.meta.url);
const PARSER = requireHere.resolve('mongodb-connection-string-url');

/** A fresh copy of the parser, with `whatwg-url` answered by `urlModule` when given. */
function parserWith(urlModule?: unknown): Parser {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown; _cache: Record<string, unknown> };
  const load = loader._load;
  delete loader._cache[PARSER];
  loader._load = function (this: unknown, request: string, ...rest: unknown[]) {
    if (request === 'whatwg-url' && urlModule) return urlModule;
    return load.call(this, request, ...rest);
  };
  try {
    return (requireHere(PARSER) as { default: Parser }).default;
  } finally {
    loader._load = load;
    delete loader._cache[PARSER];
  }
}

function reading(Parser: Parser, uri: string) {
  try {
    const parsed = new Parser(uri);
    return {
      text: parsed.toString(),
      hosts: parsed.hosts,
      username: parsed.username,
      password: parsed.password,
      pathname: parsed.pathname,
      srv: parsed.isSRV,
      options: [...parsed.searchParams.entries()],
      authSource: parsed.searchParams.get('AUTHSOURCE'),
      redacted: parsed.redact().toString(),
    };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

const URIS = [
  'mongodb://127.0.0.1:27017/client_auth',
  'mongodb://127.0.0.1:27017',
  'mongodb://user:p%40ss%2Fw%3Ard@db1.example.com:27017,db2.example.com:27018,[::1]:27019/auth?replicaSet=rs0&authSource=admin',
  'mongodb+srv://user:secret@cluster0.example.net/client_auth?retryWrites=true&w=majority&appName=client-auth',
  'mongodb://db.example.com/?tls=true&tlsCAFile=%2Fetc%2Fssl%2Fca.pem&readPreference=primary&AuthSource=admin',
  'mongodb://bücher.example/übung?appName=ä b',
  'mongodb://[fe80::1%25eth0]:27017/',
  'mongodb://user@host/',
  'mongodb://host/db?a=1&a=2&b=',
  // Refused, and with the same reason
  'mongodb://user:pa:ss@host/',
  'mongodb+srv://a.example.com,b.example.com/',
  'mongodb+srv://a.example.com:27017/',
  'http://host/',
  'mongodb://host:99999/',
  'mongodb://ho st/',
  'mongodb://@host/',
];

describe("The MongoDB connection-string parser on Node's URL, as the bundle gives it", () => {
  const original = parserWith();
  const onNode = parserWith(requireHere('node:url'));

  it("is built on Node's URL in the copy compared", () => {
    expect(Object.getPrototypeOf(Object.getPrototypeOf(onNode))).to.equal(URL);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(original))).to.not.equal(URL);
  });

  for (const uri of URIS)
    it(`reads ${uri} as on whatwg-url`, () => {
      expect(reading(onNode, uri)).to.deep.equal(reading(original, uri));
    });

  it('is what the bundle holds: no copy of whatwg-url or tr46 (npm run build:test builds it)', () => {
    const dir = join(repoRoot(), 'dist/bundle');
    const chunks = readdirSync(dir).filter((name) => name.endsWith('.js'));
    const holding = chunks.filter((name) => /node_modules\/(whatwg-url|tr46)\//.test(readFileSync(join(dir, name), 'utf8')));
    expect(
      chunks.some((name) => readFileSync(join(dir, name), 'utf8').includes('mongodb-connection-string-url/lib/index.js')),
      'the parser is bundled',
    ).to.equal(true);
    expect(holding).to.deep.equal([]);
  });
});
