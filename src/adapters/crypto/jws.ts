/**
 * The JWS primitives of access tokens, on Node's own crypto: signing and verifying keys
 * for ES256 (P-256, IEEE P1363 signatures as JWS requires), EdDSA (Ed25519) and HS256,
 * and the JWK form of a public key with its RFC 7638 thumbprint as kid.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import type { AsymmetricAlgorithm, PublicJwk, SignerKey, VerifierKey } from '../../domain/signing-keys/ports.js';

/** The digest each algorithm signs with; Ed25519 hashes internally. */
const DIGEST: Record<AsymmetricAlgorithm, string | null> = { ES256: 'sha256', EdDSA: null };

export function generatePrivateKey(algorithm: AsymmetricAlgorithm): KeyObject {
  return algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : generateKeyPairSync('ed25519').privateKey;
}

/** The algorithm a private or public key is for, or null for any other kind of key. */
export function algorithmOf(key: KeyObject): AsymmetricAlgorithm | null {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return null;
}

/** The public JWK of a key, named by its RFC 7638 thumbprint. */
export function publicJwkOf(key: KeyObject, algorithm: AsymmetricAlgorithm): PublicJwk {
  const exported = createPublicKey(key).export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y?: string };
  // RFC 7638: the required members only, in lexicographic order, no whitespace.
  const required =
    exported.kty === 'EC' ? { crv: exported.crv, kty: exported.kty, x: exported.x, y: exported.y } : { crv: exported.crv, kty: exported.kty, x: exported.x };
  const kid = createHash('sha256').update(JSON.stringify(required)).digest('base64url');
  return { ...(required as Omit<PublicJwk, 'kid' | 'alg' | 'use'>), kid, alg: algorithm, use: 'sig' };
}

export function exportPrivateKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'pkcs8' });
}

export function importPrivateKey(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

export function asymmetricSigner(kid: string, algorithm: AsymmetricAlgorithm, privateKey: KeyObject): SignerKey {
  const digest = DIGEST[algorithm];
  return {
    kid,
    algorithm,
    sign: (data) => sign(digest, data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  };
}

export function asymmetricVerifier(algorithm: AsymmetricAlgorithm, publicKey: KeyObject): VerifierKey {
  const digest = DIGEST[algorithm];
  // A P-256 signature is exactly 64 bytes in JWS form, Ed25519 one too; anything else is not ours.
  return {
    algorithm,
    verify: (data, signature) => signature.length === 64 && verify(digest, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
  };
}

/** The HS256 signer and verifier of a shared secret; the kid names the secret without revealing it. */
export function hmacKeys(secret: string): { signer: SignerKey; verifier: VerifierKey } {
  // A KeyObject, imported once: importing a string secret per call costs far more than the HMAC.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const kid = `hs256-${createHmac('sha256', key).update('client-auth key id').digest('base64url').slice(0, 16)}`;
  const mac = (data: Buffer) => createHmac('sha256', key).update(data).digest();
  return {
    signer: { kid, algorithm: 'HS256', sign: mac },
    verifier: {
      algorithm: 'HS256',
      verify: (data, signature) => signature.length === 32 && timingSafeEqual(mac(data), signature),
    },
  };
}
