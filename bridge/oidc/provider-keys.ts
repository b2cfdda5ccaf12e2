/**
 * Our key set as the provider's keystore: each published key becomes an
 * `ExternalSigningKey` whose signature is our signer's (ES256 in low-s form, ADR 0010), so
 * the provider's tokens pass our own token check and the JWKS gateways fetch already
 * holds their keys. The provider never holds a private key (ADR 0019).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';
import type { PublicJwk, SignerKey, SigningKeySet } from '../../src/domain/signing-keys/ports.js';

/** One published key; only the one that signs now has a signer. */
class PublishedKey extends ExternalSigningKey {
  private readonly publicKey: KeyObject;

  constructor(
    private readonly jwk: PublicJwk,
    private readonly signer: SignerKey | null,
  ) {
    super();
    const { kid: _kid, alg: _alg, use: _use, ...material } = jwk;
    this.publicKey = createPublicKey({ key: material, format: 'jwk' });
  }

  override get kid(): string {
    return this.jwk.kid;
  }

  override set kid(_value: string | undefined) {
    // The kid is the key's RFC 7638 thumbprint, as our JWKS names it; the provider may not rename it.
  }

  override get alg(): string {
    return this.jwk.alg;
  }

  override set alg(_value: string | undefined) {
    // Each key has its one algorithm.
  }

  override keyObject(): KeyObject {
    return this.publicKey;
  }

  override sign(data: Uint8Array): Uint8Array {
    // The provider picks the first key of the algorithm, which is the signing one (see ProviderKeystores).
    if (this.signer === null) throw new Error(`key ${this.jwk.kid} no longer signs`);
    return this.signer.sign(Buffer.from(data));
  }
}

/** The key set as it is now: the provider's keystore, and a fingerprint that changes with it. */
export interface KeystoreState {
  fingerprint: string;
  keys: ExternalSigningKey[];
  /** The algorithm of the key that signs: what the provider advertises and signs ID tokens with. */
  algorithm: 'ES256' | 'EdDSA';
}

/**
 * The provider's keystore for the key set as it is now, built once per state of the set.
 * The set changes when a rotation publishes a key, when that key starts signing and when a
 * retired key is dropped; every instance's key set learns of it by reloading the store, as
 * the JWKS it serves does, and the next `current()` then builds the keystore anew. While
 * the set is unchanged, every request gets the same keystore: no key is imported per request.
 */
export class ProviderKeystores {
  private built: KeystoreState | null = null;

  constructor(private readonly keys: Pick<SigningKeySet, 'signer' | 'publicKeys'>) {}

  /**
   * The published keys with the signing one first (the provider signs with the first key
   * of an algorithm), or null when the set cannot serve an OpenID Provider (HS256: nothing
   * is published, and a shared secret must not sign ID tokens).
   */
  current(): KeystoreState | null {
    const signer = this.keys.signer();
    if (signer.algorithm === 'HS256') return null;
    const published = this.keys.publicKeys();
    const signing = published.find((key) => key.kid === signer.kid);
    if (signing === undefined) return null;
    const others = published.filter((key) => key.kid !== signer.kid && key.alg === signer.algorithm);
    // A kid is its key's thumbprint (RFC 7638): the same kids in the same order are the same keys.
    const fingerprint = [signer.kid, ...others.map((key) => key.kid)].join(' ');
    if (this.built?.fingerprint !== fingerprint) {
      this.built = {
        fingerprint,
        keys: [new PublishedKey(signing, signer), ...others.map((key) => new PublishedKey(key, null))],
        algorithm: signer.algorithm,
      };
    }
    return this.built;
  }
}
