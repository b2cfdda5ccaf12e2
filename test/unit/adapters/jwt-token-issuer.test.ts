import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { HmacKeySet } from '../../../src/adapters/crypto/fixed-key-sets.js';
import { JwtTokenIssuer, VERIFIED_TOKENS_REMEMBERED } from '../../../src/adapters/crypto/jwt-token-issuer.js';
import { DomainError } from '../../../src/domain/kernel/errors.js';

const SECRET = 'unit-test-secret-that-is-at-least-32-bytes';
const SETTINGS = { issuer: 'client-auth', audience: 'client-auth', clockSkewSeconds: 30, maxLifetimeSeconds: { user: 900, service: 900 } };

function newIssuer(now?: () => number): JwtTokenIssuer {
  return new JwtTokenIssuer(SETTINGS, new HmacKeySet(SECRET), now);
}
const SUBJECT = { clientId: 'client-1', kind: 'user' as const, groups: ['user'], sessionId: 'session-1' };

function clock(start: number) {
  let current = start;
  return { now: () => current, advance: (ms: number) => (current += ms) };
}

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.reason;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('JwtTokenIssuer.verify on a token it has verified before', () => {
  it('returns the principal of the first time, frozen, so no caller can change what the next one gets', () => {
    const tokens = newIssuer();
    const { token } = tokens.issue(SUBJECT, 900);
    const first = tokens.verify(token);
    expect(() => first.groups.push('admin')).to.throw(TypeError);
    expect(() => first.amr.push('pwd')).to.throw(TypeError);
    expect(() => {
      (first as { clientId: string }).clientId = 'someone-else';
    }).to.throw(TypeError);

    const second = tokens.verify(token);
    expect(second).to.deep.equal({ ...SUBJECT, amr: [], expiresAt: second.expiresAt });
    expect(second.groups).to.deep.equal(['user']);
    expect(second.expiresAt.getTime()).to.be.greaterThan(Date.now());
  });

  it('fails with TOKEN_EXPIRED from the second its exp names, and logout (allowExpired) still reads it', () => {
    const time = clock(Date.UTC(2030, 0, 1));
    const tokens = newIssuer(time.now);
    const { token } = tokens.issue(SUBJECT, 60);
    tokens.verify(token);

    time.advance(59_999);
    expect(tokens.verify(token).clientId).to.equal('client-1');
    time.advance(1);
    expect(reasonOf(() => tokens.verify(token))).to.equal('TOKEN_EXPIRED');
    expect(tokens.verify(token, { allowExpired: true }).sessionId).to.equal('session-1');
  });

  it('still refuses an expired token that logout (allowExpired) read first', () => {
    const time = clock(Date.UTC(2030, 0, 1));
    const tokens = newIssuer(time.now);
    const { token } = tokens.issue(SUBJECT, 60);
    time.advance(120_000);

    expect(tokens.verify(token, { allowExpired: true }).clientId).to.equal('client-1');
    expect(reasonOf(() => tokens.verify(token))).to.equal('TOKEN_EXPIRED');
  });

  it('refuses a token with the same claims but another signature', () => {
    const tokens = newIssuer();
    const { token } = tokens.issue(SUBJECT, 900);
    tokens.verify(token);
    const forged = jwt.sign(jwt.decode(token) as object, 'another-secret-of-at-least-32-bytes-long', { algorithm: 'HS256' });
    const [head, body, signature] = token.split('.');

    expect(reasonOf(() => tokens.verify(forged))).to.equal('TOKEN_INVALID');
    expect(reasonOf(() => tokens.verify(`${head}.${body}.${signature!.slice(0, -2)}AA`))).to.equal('TOKEN_INVALID');
  });

  it('keeps verifying tokens correctly after more were seen than it remembers', () => {
    const tokens = newIssuer();
    const first = tokens.issue(SUBJECT, 900).token;
    tokens.verify(first);
    for (let i = 0; i < VERIFIED_TOKENS_REMEMBERED; i++) {
      tokens.verify(tokens.issue({ ...SUBJECT, sessionId: `session-${i}` }, 900).token);
    }
    expect(tokens.verify(first).sessionId).to.equal('session-1');
  });

  it('checks a token that carries nbf against the clock every time', () => {
    const time = clock(Date.UTC(2030, 0, 1));
    const tokens = newIssuer(time.now);
    const iat = Math.floor(time.now() / 1000);
    const claims = { id: 'client-1', sub: 'client-1', groups: ['user'], kind: 'user', sid: 'session-1', jti: 'j', iat, exp: iat + 900, nbf: iat };
    const token = jwt.sign(claims, SECRET, { algorithm: 'HS256', issuer: SETTINGS.issuer, audience: SETTINGS.audience });
    expect(tokens.verify(token).clientId).to.equal('client-1');

    time.advance(-60_000);
    expect(reasonOf(() => tokens.verify(token))).to.equal('TOKEN_INVALID');
  });
});
