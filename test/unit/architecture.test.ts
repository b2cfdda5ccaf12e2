import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../support/paths.js';

const FORBIDDEN = /^(@grpc\/|mongodb|ioredis|koa|@koa\/|better-sqlite3|pino|prom-client|bcrypt|jsonwebtoken|nodemailer|otpauth|@simplewebauthn\/|node:http|node:net|node:fs)/;

function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
}

describe('The layering', () => {
  it('keeps src/domain free of transport, database and logging imports, and of anything outside it', () => {
    const dir = join(repoRoot(), 'src/domain');
    const offenders: string[] = [];
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      for (const specifier of importsOf(readFileSync(join(dir, file), 'utf8'))) {
        if (FORBIDDEN.test(specifier) || specifier.startsWith('../')) offenders.push(`${file}: ${specifier}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });

  it('reads the environment only in src/config.ts (entry points just hand it to loadConfig, tracingConfig or operatorHeapFlags)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && /process\.env\b/.test(readFileSync(path, 'utf8').replaceAll('loadConfig(process.env)', '').replaceAll('tracingConfig(process.env)', '').replaceAll('operatorHeapFlags(process.env', ''))) {
          offenders.push(path.slice(repoRoot().length + 1));
        }
      }
    };
    walk(join(repoRoot(), 'src'));
    walk(join(repoRoot(), 'bridge'));
    expect(offenders.filter((path) => path !== 'src/config.ts')).to.deep.equal([]);
  });

  it('keeps driver names out of src/grpc: the adapters translate their failures into domain errors', () => {
    const dir = join(repoRoot(), 'src/grpc');
    const offenders = readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .filter((name) => /\b(Mongo\w*Error|SqliteError|ReplyError|OUTAGE_ERRORS)\b|from ['"](mongodb|ioredis|better-sqlite3)/.test(readFileSync(join(dir, name), 'utf8')));
    expect(offenders).to.deep.equal([]);
  });
});
