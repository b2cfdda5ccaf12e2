import { createPublicKey } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { HmacKeySet } from '../../../src/adapters/crypto/fixed-key-sets.js';
import { asymmetricSigner, asymmetricVerifier, generatePrivateKey, publicJwkOf } from '../../../src/adapters/crypto/jws.js';
import { JwtTokenIssuer, VERIFIED_TOKENS_REMEMBERED } from '../../../src/adapters/crypto/jwt-token-issuer.js';
import { DomainError } from '../../../src/domain/kernel/errors.js';
import type { AsymmetricAlgorithm } from '../../../src/domain/signing-keys/ports.js';
import { claimsOf, hasHighS, headerOf, hmacToken, signToken, withSignatureHalf } from '../../support/jws.js';

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

async function reasonOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DomainError) return error.reason;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('JwtTokenIssuer.verify on a token it has verified before', async () => {
  it('returns the principal of the first time, frozen, so no caller can change what the next one gets', async () => {
    const tokens = newIssuer();
    const { token } = tokens.issue(SUBJECT, 900);
    const first = await tokens.verify(token);
    expect(() => first.groups.push('admin')).to.throw(TypeError);
    expect(() => first.amr.push('pwd')).to.throw(TypeError);
    expect(() => {
      (first as { clientId: string }).clientId = 'someone-else';
    }).to.throw(TypeError);

    const second = await tokens.verify(token);
    expect(second).to.deep.equal({ ...SUBJECT, amr: [], expiresAt: second.expiresAt });
    expect(second.groups).to.deep.equal(['user']);
    expect(second.expiresAt.getTime()).to.be.greaterThan(Date.now());
  });

  it('fails with TOKEN_EXPIRED from the second its exp names, and logout (allowExpired) still reads it', async () => {
    const time = clock(Date.UTC(2030, 0, 1));
    const tokens = newIssuer(time.now);
    const { token } = tokens.issue(SUBJECT, 60);
    await tokens.verify(token);

    time.advance(59_999);
    expect((await tokens.verify(token)).clientId).to.equal('client-1');
    time.advance(1);
    expect(await reasonOf(() => tokens.verify(token))).to.equal('TOKEN_EXPIRED');
    expect((await tokens.verify(token, { allowExpired: true })).sessionId).to.equal('session-1');
  });

  it('still refuses an expired token that logout (allowExpired) read first', async () => {
    const time = clock(Date.UTC(2030, 0, 1));
    const tokens = newIssuer(time.now);
    const { token } = tokens.issue(SUBJECT, 60);
    time.advance(120_000);

    expect((await tokens.verify(token, { allowExpired: true })).clientId).to.equal('client-1');
    expect(await reasonOf(() => tokens.verify(token))).to.equal('TOKEN_EXPIRED');
  });

  it('refuses a token with the same claims but another signature', async () => {
    const tokens = newIssuer();
    const { token } = tokens.issue(SUBJECT, 900);
    await tokens.verify(token);
    const forged = jwt.sign(jwt.decode(token) as object, 'another-secret-of-at-least-32-bytes-long', { algorithm: 'HS256' });
    const [head, body, signature] = token.split('.');

    expect(await reasonOf(() => tokens.verify(forged))).to.equal('TOKEN_INVALID');
    expect(await reasonOf(() => tokens.verify(`${head}.${body}.${signature!.slice(0, -2)}AA`))).to.equal('TOKEN_INVALID');
  });

  it('keeps verifying tokens correctly after more were seen than it remembers', async () => {
    const tokens = newIssuer();
    const first = tokens.issue(SUBJECT, 900).token;
    await tokens.verify(first);
    // In batches: each verification awaits its signature check off the event loop.
    for (let batch = 0; batch < VERIFIED_TOKENS_REMEMBERED; batch += 500) {
      const issued = Array.from({ length: 500 }, (_, i) => tokens.issue({ ...SUBJECT, sessionId: `session-${batch + i}` }, 900).token);
      await Promise.all(issued.map((token) => tokens.verify(token)));
    }
    expect((await tokens.verify(first)).sessionId).to.equal('session-1');
  });

  it('checks a token that carries nbf against the clock every time', async () => {
    const time = clock(Date.UTC(2030, 0, 1));
    const tokens = newIssuer(time.now);
    const iat = Math.floor(time.now() / 1000);
    const claims = { id: 'client-1', sub: 'client-1', groups: ['user'], kind: 'user', sid: 'session-1', jti: 'j', iat, exp: iat + 900, nbf: iat };
    const token = jwt.sign(claims, SECRET, { algorithm: 'HS256', issuer: SETTINGS.issuer, audience: SETTINGS.audience });
    expect((await tokens.verify(token)).clientId).to.equal('client-1');

    time.advance(-60_000);
    expect(await reasonOf(() => tokens.verify(token))).to.equal('TOKEN_INVALID');
  });
});

/** An issuer on one fresh asymmetric key, as a stored key set holds it. */
function asymmetricIssuer(algorithm: AsymmetricAlgorithm) {
  const privateKey = generatePrivateKey(algorithm);
  const jwk = publicJwkOf(privateKey, algorithm);
  const signer = asymmetricSigner(jwk.kid, algorithm, privateKey);
  const verifier = asymmetricVerifier(algorithm, createPublicKey(privateKey));
  const keys = { signer: () => signer, verifier: (kid: string | undefined) => (kid === jwk.kid ? verifier : null) };
  return { tokens: new JwtTokenIssuer(SETTINGS, keys), privateKey, jwk };
}

describe('JwtTokenIssuer with ES256 and EdDSA keys', () => {
  it('signs every ES256 token with s in the low half, and verifies each', async () => {
    const { tokens } = asymmetricIssuer('ES256');
    for (let i = 0; i < 64; i++) {
      const { token } = tokens.issue({ ...SUBJECT, sessionId: `session-${i}` }, 900);
      expect(hasHighS(token), token).to.equal(false);
      expect((await tokens.verify(token)).sessionId).to.equal(`session-${i}`);
    }
  });

  it('refuses the high-s twin of a token it issued, whether or not it has seen the token', async () => {
    const { tokens } = asymmetricIssuer('ES256');
    const unseen = tokens.issue(SUBJECT, 900).token;
    expect(await reasonOf(() => tokens.verify(withSignatureHalf(unseen, 'high')))).to.equal('TOKEN_INVALID');
    const seen = tokens.issue(SUBJECT, 900).token;
    await tokens.verify(seen);
    expect(await reasonOf(() => tokens.verify(withSignatureHalf(seen, 'high')))).to.equal('TOKEN_INVALID');
    expect((await tokens.verify(seen)).clientId).to.equal('client-1');
  });

  it('takes the key from its own key set only: a token signed with another key is refused whatever its jwk, jku or x5u header offers', async () => {
    const { tokens } = asymmetricIssuer('ES256');
    const { token } = tokens.issue(SUBJECT, 900);
    const header = headerOf(token);
    const claims = claimsOf(token);
    const attacker = generatePrivateKey('ES256');
    const attackerJwk = createPublicKey(attacker).export({ format: 'jwk' });
    const forged = [
      signToken({ ...header, jwk: attackerJwk }, claims, attacker),
      signToken({ alg: 'ES256', typ: 'JWT', jwk: attackerJwk }, claims, attacker),
      signToken({ ...header, jku: 'https://attacker.example/jwks.json' }, claims, attacker),
      signToken({ ...header, x5u: 'https://attacker.example/cert.pem' }, claims, attacker),
    ];
    for (const candidate of forged) expect(await reasonOf(() => tokens.verify(candidate)), JSON.stringify(headerOf(candidate))).to.equal('TOKEN_INVALID');
    expect((await tokens.verify(token)).clientId).to.equal('client-1');
  });

  for (const algorithm of ['ES256', 'EdDSA'] as const) {
    it(`refuses an ${algorithm} token with anything after its signature, padding or whitespace inside it`, async () => {
      const { tokens } = asymmetricIssuer(algorithm);
      const { token } = tokens.issue(SUBJECT, 900);
      for (const spelling of [`${token}!!`, `${token}=`, `${token}==`, `${token} `, `${token}\n`, `${token.slice(0, -4)} ${token.slice(-4)}`]) {
        expect(await reasonOf(() => tokens.verify(spelling)), JSON.stringify(spelling.slice(-6))).to.equal('TOKEN_INVALID');
      }
      expect((await tokens.verify(token)).clientId).to.equal('client-1');
    });

    it(`refuses ${algorithm} tokens that are not its own: alg none, a crit header, a changed header, HS256 under the key's kid`, async () => {
      const { tokens, privateKey, jwk } = asymmetricIssuer(algorithm);
      const { token } = tokens.issue(SUBJECT, 900);
      const header = headerOf(token);
      const claims = claimsOf(token);
      const [, body, signature] = token.split('.');
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const forged = [
        `${encode({ alg: 'none', typ: 'JWT', kid: jwk.kid })}.${body}.`,
        `${encode({ alg: 'none', typ: 'JWT' })}.${body}.`,
        signToken({ ...header, crit: ['exp'] }, claims, privateKey),
        signToken({ ...header, crit: ['b64'], b64: true }, claims, privateKey),
        `${encode({ ...header, typ: 'at+jwt' })}.${body}.${signature}`,
        hmacToken({ alg: 'HS256', typ: 'JWT', kid: jwk.kid }, claims, JSON.stringify(jwk)),
        hmacToken({ alg: 'HS256', typ: 'JWT', kid: jwk.kid }, claims, createPublicKey(privateKey).export({ format: 'pem', type: 'spki' })),
        signToken({ ...header, kid: 'another-kid' }, claims, privateKey),
      ];
      for (const candidate of forged) expect(await reasonOf(() => tokens.verify(candidate)), candidate.split('.')[0]).to.equal('TOKEN_INVALID');
      // The same hand signing under the token's own header passes: the refusals are for what was changed.
      expect((await tokens.verify(signToken(header, claims, privateKey))).clientId).to.equal('client-1');
    });
  }
});
