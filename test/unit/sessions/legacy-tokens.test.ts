import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { JwtOriginalTokenDecoder } from '../../../src/adapters/crypto/original-token-decoder.js';
import { loadConfig } from '../../../src/config/index.js';
import type { ClientRecord } from '../../../src/domain/kernel/client.js';
import { DomainError } from '../../../src/domain/kernel/errors.js';
import { silentLogger } from '../../../src/domain/kernel/logger.js';
import { LegacyTokens, revocationIdOf } from '../../../src/domain/sessions/legacy-tokens.js';
import { manualClock } from '../../contract/backends.js';

const SECRET = 'the original service secret, 32+ bytes';
const DAY_MS = 24 * 3600 * 1000;

describe('LEGACY_TOKENS_UNTIL', () => {
  const embedded = { JWT_SECRET_KEY: SECRET };

  it('is off by default', () => {
    expect(loadConfig(embedded).legacyTokensUntil).to.equal(null);
  });

  it('takes an ISO date or date-time at most 30 days ahead', () => {
    const soon = new Date(Date.now() + 29 * DAY_MS).toISOString();
    expect(loadConfig({ ...embedded, LEGACY_TOKENS_UNTIL: soon }).legacyTokensUntil!.toISOString()).to.equal(soon);
    expect(loadConfig({ ...embedded, LEGACY_TOKENS_UNTIL: '2020-01-31' }).legacyTokensUntil!.toISOString()).to.equal('2020-01-31T00:00:00.000Z');
  });

  for (const [title, value, message] of [
    ['more than 30 days ahead', new Date(Date.now() + 31 * DAY_MS).toISOString(), /at most 30 days ahead/],
    ['not a date', 'next month', /ISO 8601 date/],
    ['a date that does not exist', '2026-02-30T00:00:00Z', /ISO 8601 date|at most/],
  ] as const) {
    it(`refuses a value ${title}`, () => {
      expect(() => loadConfig({ ...embedded, LEGACY_TOKENS_UNTIL: value })).to.throw(message);
    });
  }

  it('needs JWT_SECRET_KEY, the secret the original signed with', () => {
    expect(() => loadConfig({ LEGACY_TOKENS_UNTIL: new Date(Date.now() + DAY_MS).toISOString() })).to.throw(/needs JWT_SECRET_KEY/);
  });
});

describe('LegacyTokens at the end of the window', () => {
  it('accepts a service token up to the date and refuses it from then on', async () => {
    const clock = manualClock(Date.parse('2026-11-01T00:00:00Z'));
    const service = { id: 'a'.repeat(24), kind: 'service', groups: ['service'], suspended: false } as ClientRecord;
    const legacy = new LegacyTokens(
      new Date('2026-11-02T00:00:00Z'),
      new JwtOriginalTokenDecoder(SECRET),
      { findById: async (id: string) => (id === service.id ? service : null) },
      silentLogger,
      clock.now,
    );
    const token = jwt.sign({ id: service.id, groups: null }, SECRET, { algorithm: 'HS256', noTimestamp: true });
    expect((await legacy.verify(token))!.clientId).to.equal(service.id);
    clock.advance(DAY_MS - 1);
    expect(await legacy.verify(token)).to.not.equal(null);
    clock.advance(1);
    expect(await legacy.verify(token)).to.equal(null);
    expect(legacy.accepted()).to.deep.equal({ user: 0, service: 2 });
  });

  it('never lets a user token outlive the window', async () => {
    const clock = manualClock(Date.parse('2026-11-01T23:30:00Z'));
    const user = { id: 'b'.repeat(24), kind: 'user', groups: ['user'], suspended: false } as ClientRecord;
    const legacy = new LegacyTokens(
      new Date('2026-11-02T00:00:00Z'),
      new JwtOriginalTokenDecoder(SECRET),
      { findById: async () => user },
      silentLogger,
      clock.now,
    );
    const token = jwt.sign({ id: user.id, groups: ['user'], exp: Date.parse('2026-11-02T06:00:00Z') / 1000 }, SECRET, {
      algorithm: 'HS256',
      noTimestamp: true,
    });
    expect((await legacy.verify(token))!.expiresAt.toISOString()).to.equal('2026-11-02T00:00:00.000Z');
    clock.advance(DAY_MS);
    expect(await legacy.verify(token)).to.equal(null);
    const expired = jwt.sign({ id: user.id, exp: Date.parse('2026-11-01T00:00:00Z') / 1000 }, SECRET, { algorithm: 'HS256' });
    clock.advance(-DAY_MS);
    const error = await legacy.verify(expired).catch((thrown: unknown) => thrown);
    expect(error).to.be.instanceOf(DomainError).with.property('reason', 'TOKEN_EXPIRED');
  });
});

describe('How the revocation list names a token at logout', () => {
  it('by its session, or for a token of the original service (which has none) by a hash of the token: one name per token, never the token', () => {
    expect(revocationIdOf({ sessionId: '0190aaaa-0000-7000-8000-000000000001' }, 'any token')).to.equal('0190aaaa-0000-7000-8000-000000000001');
    const first = jwt.sign({ id: 'c'.repeat(24), exp: 2_000_000_000 }, SECRET, { algorithm: 'HS256', noTimestamp: true });
    const second = jwt.sign({ id: 'c'.repeat(24), exp: 2_000_000_060 }, SECRET, { algorithm: 'HS256', noTimestamp: true });
    const [a, b] = [revocationIdOf({ sessionId: '' }, first), revocationIdOf({ sessionId: '' }, second)];
    expect(a).to.match(/^legacy\.[0-9a-f]{64}$/);
    expect(b).to.not.equal(a);
    expect(revocationIdOf({ sessionId: '' }, first)).to.equal(a);
    for (const part of first.split('.')) expect(a).to.not.include(part);
  });
});

describe('JwtOriginalTokenDecoder', () => {
  const NOW = Date.parse('2026-11-01T00:00:00Z');
  const id = 'c'.repeat(24);

  it("reads the original's tokens, and nothing spelled or signed otherwise: another secret, a kid, alg none, this service's claims, characters after the signature", async () => {
    const decoder = new JwtOriginalTokenDecoder(SECRET);
    const sign = (claims: object, options: jwt.SignOptions = {}, secret = SECRET) =>
      jwt.sign(claims, secret, { algorithm: 'HS256', noTimestamp: true, ...options });
    const genuine = sign({ id, groups: ['user'], exp: NOW / 1000 + 60 });
    expect(await decoder.decode(genuine, NOW)).to.deep.equal({ id, exp: NOW / 1000 + 60 });
    const [, body] = genuine.split('.');
    const others = [
      sign({ id, groups: ['user'] }, {}, 'another secret of at least 32 bytes!'),
      sign({ id, groups: ['user'] }, { keyid: 'hs256-abc' }),
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`,
      sign({ id, groups: ['user'], iss: 'client-auth', aud: 'client-auth', sid: 's' }),
      sign({ id: 'not-an-imported-id', groups: ['user'] }),
      `${genuine}!!`,
      `${genuine}=`,
      `${genuine} `,
    ];
    for (const token of others) expect(await decoder.decode(token, NOW), token).to.equal(null);
  });
});
