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

/** Signs a token by hand with an asymmetric key, so tests can make tokens the service would never issue. */
export function signToken(header: object, claims: object, key: KeyObject): string {
  const input = `${encode(header)}.${encode(claims)}`;
  const digest = key.asymmetricKeyType === 'ec' ? 'sha256' : null;
  return `${input}.${sign(digest, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

export function hmacToken(header: object, claims: object, secret: string | Buffer): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The private key of a stored signing key, opened with the key-encryption key, as only the service should. */
export function openStoredKey(record: SigningKeyRecord, encryptionKey: string): KeyObject {
  return importPrivateKey(new KeyEncryption(encryptionKey).open(record.sealedPrivateKey, record.kid));
}
