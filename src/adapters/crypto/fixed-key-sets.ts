/**
 * Key sets the service does not rotate: the HS256 shared secret of the original
 * deployments, and a private key an operator manages in a PEM file.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import { domainError } from '../../domain/kernel/errors.js';
import type { AsymmetricAlgorithm, KeyInventory, PublicJwk, SignerKey, SigningKeySet, SigningKeyView, VerifierKey } from '../../domain/signing-keys/ports.js';
import { algorithmOf, asymmetricSigner, asymmetricVerifier, hmacKeys, publicJwkOf } from './jws.js';

/** How long verifiers may cache a key set that only changes when the service restarts. */
const FIXED_SET_CACHE_SECONDS = 300;

abstract class FixedKeySet implements SigningKeySet {
  readonly cacheSeconds = FIXED_SET_CACHE_SECONDS;
  abstract signer(): SignerKey;
  abstract verifier(kid: string | undefined): VerifierKey | null;
  abstract publicKeys(): PublicJwk[];
  abstract inventory(): Promise<KeyInventory>;

  constructor(private readonly why: string) {}

  rotate(): Promise<SigningKeyView> {
    return Promise.reject(domainError('SIGNING_KEY_NOT_ROTATABLE', this.why));
  }

  async close(): Promise<void> {}
}

/** HS256 with JWT_SECRET_KEY: every verifier holds the secret, so nothing is published. */
export class HmacKeySet extends FixedKeySet {
  private readonly keys: { signer: SignerKey; verifier: VerifierKey };

  constructor(secret: string) {
    super('tokens are signed with the HS256 secret JWT_SECRET_KEY; change the secret to rotate it');
    this.keys = hmacKeys(secret);
  }

  signer(): SignerKey {
    return this.keys.signer;
  }

  /** Tokens without a kid were signed before kids existed, by this same secret. */
  verifier(kid: string | undefined): VerifierKey | null {
    return kid === undefined || kid === this.keys.signer.kid ? this.keys.verifier : null;
  }

  publicKeys(): PublicJwk[] {
    return [];
  }

  async inventory(): Promise<KeyInventory> {
    return { source: 'secret', keys: [] };
  }
}

/** One private key from JWT_PRIVATE_KEY_FILE, managed and rotated by the operator. */
export class PemKeySet extends FixedKeySet {
  private readonly signingKey: SignerKey;
  private readonly verifyingKey: VerifierKey;
  private readonly jwk: PublicJwk;

  /** Throws a message naming the file when it holds no P-256 or Ed25519 private key, or one of another algorithm than `expected`. */
  constructor(file: string, expected: AsymmetricAlgorithm | null) {
    super('the signing key comes from JWT_PRIVATE_KEY_FILE; replace the file to rotate it');
    let pem: string;
    try {
      pem = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`JWT_PRIVATE_KEY_FILE ${file} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(pem);
    } catch {
      throw new Error(`JWT_PRIVATE_KEY_FILE ${file} does not hold a PEM private key`);
    }
    const algorithm = algorithmOf(privateKey);
    if (algorithm === null) throw new Error(`JWT_PRIVATE_KEY_FILE ${file} must hold a P-256 (ES256) or Ed25519 (EdDSA) private key`);
    if (expected !== null && expected !== algorithm) {
      throw new Error(`JWT_PRIVATE_KEY_FILE ${file} holds an ${algorithm} key but JWT_ALGORITHM is ${expected}`);
    }
    this.jwk = publicJwkOf(privateKey, algorithm);
    this.signingKey = asymmetricSigner(this.jwk.kid, algorithm, privateKey);
    this.verifyingKey = asymmetricVerifier(algorithm, createPublicKey(privateKey));
  }

  signer(): SignerKey {
    return this.signingKey;
  }

  verifier(kid: string | undefined): VerifierKey | null {
    return kid === this.jwk.kid ? this.verifyingKey : null;
  }

  publicKeys(): PublicJwk[] {
    return [this.jwk];
  }

  /** The file holds one key, which signs; its dates are the operator's to know. */
  async inventory(): Promise<KeyInventory> {
    const key = { kid: this.jwk.kid, algorithm: this.jwk.alg, state: 'active' as const };
    return { source: 'file', keys: [{ ...key, createdAt: null, activatesAt: null, retiredAt: null, expiresAt: null }] };
  }
}
