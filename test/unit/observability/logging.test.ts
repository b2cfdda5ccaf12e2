import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../../src/observability/logging.js';

describe('The logger', () => {
  it('writes one JSON line per entry, with the service name and level', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      'client-auth',
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    log.debug({ method: 'GetMe' }, 'rpc');
    log.info({ method: 'Login', code: 'OK', ms: 3.2 }, 'rpc');
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]!)).to.include({ service: 'client-auth', level: 30, method: 'Login', code: 'OK', msg: 'rpc' });
  });

  it('censors top-level fields named like a secret, should one ever be passed', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      'client-auth',
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    log.warn({ password: 'hunter2hunter2', refreshToken: 'r3fr3sh', clientSecret: 's3cr3t', authorization: 'Bearer eyJ', clientId: 'abc' }, 'oops');
    const entry = JSON.parse(lines[0]!);
    expect(entry).to.include({ password: '[redacted]', refreshToken: '[redacted]', clientSecret: '[redacted]', authorization: '[redacted]', clientId: 'abc' });
  });
});
