/** Reading and hand-making JWS tokens in tests, with Node's crypto only. */
import { createHmac, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import type { JsonWebKey as JwkMessage } from '../../gen/clientauth/v1/signing_keys.js';
import { importPrivateKey } from '../../src/adapters/crypto/jws.js';
import { KeyEncryption } from '../../src/adapters/crypto/key-encryption.js';
import type { SigningKeyRecord } from '../../src/domain/signing-keys/ports.js';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Whether `token` verifies with the JWK the service published for its kid. */
export function verifiesWith(token: string, jwk: JwkMessage): boolean {
  const [header, payload, signature] = token.split('.');
  const { y, ...rest } = jwk;
  const key = createPublicKey({ key: { ...rest, ...(y ? { y } : {}) }, format: 'jwk' });
  const digest = jwk.alg === 'ES256' ? 'sha256' : null;
  return verify(digest, Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'));
}

/**
 * Signs a token by hand with an asymmetric key, so tests can make tokens the service would never issue.
 * An ES256 signature is given in its low-s spelling, the one the service accepts.
 */
export function signToken(header: object, claims: object, key: KeyObject): string {
  const input = `${encode(header)}.${encode(claims)}`;
  const ec = key.asymmetricKeyType === 'ec';
  const token = `${input}.${sign(ec ? 'sha256' : null, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  return ec ? withSignatureHalf(token, 'low') : token;
}

export function hmacToken(header: object, claims: object, secret: string | Buffer): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The private key of a stored signing key, opened with the key-encryption key, as only the service should. */
export function openStoredKey(record: SigningKeyRecord, encryptionKey: string): KeyObject {
  return importPrivateKey(new KeyEncryption(encryptionKey).open(record.sealedPrivateKey, record.kid));
}

/** The order n of P-256's group: (r, s) and (r, n − s) are the same ES256 signature. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Whether the ES256 signature of `token` has s above n / 2 (its high-s spelling). */
export function hasHighS(token: string): boolean {
  const signature = Buffer.from(token.split('.')[2]!, 'base64url');
  return BigInt(`0x${signature.subarray(32).toString('hex')}`) > P256_ORDER / 2n;
}

/** `token` with its ES256 signature spelled with s in the `half` asked for: (r, n − s) when it is not there yet. */
export function withSignatureHalf(token: string, half: 'low' | 'high'): string {
  if (hasHighS(token) === (half === 'high')) return token;
  const [header, payload, encoded] = token.split('.');
  const signature = Buffer.from(encoded!, 'base64url');
  const flipped = P256_ORDER - BigInt(`0x${signature.subarray(32).toString('hex')}`);
  return `${header}.${payload}.${Buffer.concat([signature.subarray(0, 32), Buffer.from(flipped.toString(16).padStart(64, '0'), 'hex')]).toString('base64url')}`;
}
