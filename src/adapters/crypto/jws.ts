/**
 * The JWS keys of access tokens, on Node's own crypto: signing keys for ES256 (P-256,
 * IEEE P1363 signatures as JWS requires, always in low-s form), EdDSA (Ed25519) and HS256;
 * the verifying keys handed to jose (jwt-token-issuer.ts); the one canonical form of a
 * signature; and the JWK form of a public key with its RFC 7638 thumbprint as kid.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject, sign, webcrypto } from 'node:crypto';
import type { AsymmetricAlgorithm, PublicJwk, SignerKey, SigningAlgorithm, VerifierKey } from '../../domain/signing-keys/ports.js';

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
  const sign1363 = (data: Buffer) => sign(digest, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return { kid, algorithm, sign: algorithm === 'ES256' ? (data) => lowS(sign1363(data)) : sign1363 };
}

export function asymmetricVerifier(algorithm: AsymmetricAlgorithm, publicKey: KeyObject): VerifierKey {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const imported = algorithm === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
  return { algorithm, key: importedOnce(() => webcrypto.subtle.importKey('spki', spki, imported, false, ['verify'])) };
}

/** The HS256 signer and verifier of a shared secret; the kid names the secret without revealing it. */
export function hmacKeys(secret: string): { signer: SignerKey; verifier: VerifierKey } {
  // A KeyObject, imported once: importing a string secret per call costs far more than the HMAC.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const kid = `hs256-${createHmac('sha256', key).update('client-auth key id').digest('base64url').slice(0, 16)}`;
  const raw = Buffer.from(secret, 'utf8');
  return {
    signer: { kid, algorithm: 'HS256', sign: (data) => createHmac('sha256', key).update(data).digest() },
    verifier: {
      algorithm: 'HS256',
      // A CryptoKey made once: given the secret's bytes, jose would import them on every verification.
      key: importedOnce(() => webcrypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])),
    },
  };
}

/**
 * A Web Crypto key imported on first use and kept: importing is asynchronous, and the key sets
 * that hold verifiers are built synchronously. A failed import is tried again next time.
 */
function importedOnce(load: () => Promise<webcrypto.CryptoKey>): () => Promise<webcrypto.CryptoKey> {
  let imported: Promise<webcrypto.CryptoKey> | null = null;
  return () => {
    imported ??= load().catch((error: unknown) => {
      imported = null;
      throw error;
    });
    return imported;
  };
}

/** The order n of P-256's group, and n / 2 as the 32 bytes of a signature's s. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_ORDER = Buffer.from((P256_ORDER >> 1n).toString(16).padStart(64, '0'), 'hex');

/** The length of a JWS signature of each algorithm: r and s of 32 bytes each, an Ed25519 signature, an HMAC-SHA-256. */
const SIGNATURE_BYTES: Record<SigningAlgorithm, number> = { ES256: 64, EdDSA: 64, HS256: 32 };

/**
 * An ECDSA signature (r, s) and (r, n − s) verify alike, so anyone holding a token can make a
 * second one with the same claims. Signatures here are always given, and only accepted, with
 * s ≤ n / 2 (the form Bitcoin's BIP 62 chose); OpenSSL signs either half.
 */
function lowS(signature: Buffer): Buffer {
  const s = signature.subarray(32);
  if (Buffer.compare(s, P256_HALF_ORDER) <= 0) return signature;
  const flipped = P256_ORDER - BigInt(`0x${s.toString('hex')}`);
  return Buffer.concat([signature.subarray(0, 32), Buffer.from(flipped.toString(16).padStart(64, '0'), 'hex')]);
}

/**
 * Whether `encoded` is the one form a signature of `algorithm` takes in a token of ours:
 * unpadded base64url that encodes back to the same text (a lenient decoder skips stray
 * characters, padding and the spare bits of the last character, each a second spelling of
 * one token), of the algorithm's length, and for ES256 with s ≤ n / 2.
 */
export function isCanonicalSignature(algorithm: SigningAlgorithm, encoded: string): boolean {
  const signature = Buffer.from(encoded, 'base64url');
  if (signature.length !== SIGNATURE_BYTES[algorithm] || signature.toString('base64url') !== encoded) return false;
  return algorithm !== 'ES256' || Buffer.compare(signature.subarray(32), P256_HALF_ORDER) <= 0;
}
