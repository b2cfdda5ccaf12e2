import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A 256-bit random opaque secret (refresh token, client secret), base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * How secrets are stored: SHA-256, hex. A 256-bit random value needs no slow hash. One-shot
 * (`crypto.hash`, UTF-8 as `update` reads a string): every token request hashes its secret,
 * and a Hash object per call costs several times the digest.
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Compares two hex digests in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
