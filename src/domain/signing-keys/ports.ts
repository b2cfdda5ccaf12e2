/**
 * The signing keys' door: what a key is, the port that stores the set all instances share,
 * and the key set tokens are signed and verified with. The schedule (schedule.ts) decides,
 * from the stored set and the store's clock alone, which key signs, which keys are
 * published and when the next one is due. Every instance computes the same answer from the
 * same records and the same clock, so instances agree without talking to each other, and
 * an instance whose own clock is wrong cannot retire or delete a key the others still use.
 *
 * A stored key never changes after it is inserted. Key n+1 is the successor of key n;
 * it is published as soon as it is stored and signs from its `activatesAt`, at which
 * moment key n stops signing. Key n stays published until every token it signed has
 * expired, then leaves the set.
 */

/** The asymmetric algorithms keys can have; HS256 uses the shared secret, never a stored key. */
export type AsymmetricAlgorithm = 'ES256' | 'EdDSA';
export type SigningAlgorithm = AsymmetricAlgorithm | 'HS256';

/** A public key as a JWK (RFC 7517), as published in the JWKS. */
export interface PublicJwk {
  kty: 'EC' | 'OKP';
  crv: 'P-256' | 'Ed25519';
  x: string;
  /** EC keys only. */
  y?: string;
  kid: string;
  alg: AsymmetricAlgorithm;
  use: 'sig';
}

/** A signing key as stored: the public half in clear, the private half sealed. */
export interface SigningKeyRecord {
  kid: string;
  /** 1 for the first key; each successor has the next number. Unique in the store. */
  generation: number;
  algorithm: AsymmetricAlgorithm;
  publicKey: PublicJwk;
  /** The PKCS#8 private key encrypted with the key-encryption key; opaque to the domain. */
  sealedPrivateKey: string;
  createdAt: Date;
  /** From this moment the key signs, and its predecessor stops. */
  activatesAt: Date;
}

/**
 * Stores the signing keys every instance shares.
 * - `insert` is atomic on the generation: under concurrent inserts of one generation
 *   exactly one succeeds and every other throws `DuplicateKeyError('generation')`, so
 *   instances racing to rotate agree on one successor (a compare-and-set that needs no
 *   transaction).
 * - `list` returns every stored key, in generation order.
 * - `delete` removes a key by kid; deleting one already gone is not an error.
 * - `now` is the store's own clock, in milliseconds since the epoch: one clock every
 *   instance sharing the store reads alike, whatever its own says (the database server's,
 *   or in the embedded set-up the machine's, read by SQLite, not by the process).
 */
export interface SigningKeyStore {
  list(): Promise<SigningKeyRecord[]>;
  insert(key: SigningKeyRecord): Promise<void>;
  delete(kid: string): Promise<void>;
  now(): Promise<number>;
}

/** When keys change, in milliseconds. */
export interface RotationPolicy {
  /** A key signs this long before its successor takes over. */
  rotationMs: number;
  /** A new key is published this long before it signs, so caches of the JWKS pick it up. */
  publishAheadMs: number;
  /** A retired key stays published this long after it stopped signing: the longest token lifetime plus clock skew. */
  retainMs: number;
}

/** A key that signs: its kid and algorithm go into the token header. */
export interface SignerKey {
  kid: string;
  algorithm: SigningAlgorithm;
  /** The JWS signature of `data` (the ASCII of header.payload). */
  sign(data: Buffer): Buffer;
}

/**
 * A key that verifies tokens bearing its kid, and only with its own algorithm. `key` gives
 * the public key (or the HS256 secret) in the form the token adapter's JOSE library
 * verifies with, imported once; it is opaque to the domain, as a sealed private key is.
 */
export interface VerifierKey {
  algorithm: SigningAlgorithm;
  key(): Promise<unknown>;
}

/** A newly stored key, as RotateSigningKey reports it. */
export interface SigningKeyView {
  kid: string;
  algorithm: AsymmetricAlgorithm;
  publishedAt: Date;
  activatesAt: Date;
}

/** Where a key set's keys come from: the service's store, the operator's PEM file, or the HS256 secret. */
export type KeySource = 'stored' | 'file' | 'secret';

/** What a published key does now: signs, waits to sign, or only verifies the tokens it signed. */
export type KeyState = 'active' | 'next' | 'retired';

/** A key verifiers trust now, as ListSigningKeys shows it. */
export interface KeyStatus {
  kid: string;
  algorithm: AsymmetricAlgorithm;
  state: KeyState;
  /** When it was generated and published; null for the operator's key. */
  createdAt: Date | null;
  /** When it starts (or started) signing; null for the operator's key. */
  activatesAt: Date | null;
  /** When its successor took over; null unless retired. */
  retiredAt: Date | null;
  /** When it leaves the published set (retiredAt plus the retention); null unless retired. */
  expiresAt: Date | null;
}

/** The key set as an admin sees it: where it comes from, and its keys newest first. */
export interface KeyInventory {
  source: KeySource;
  keys: KeyStatus[];
}

/**
 * The keys this instance signs and verifies with, kept current from wherever they live
 * (the shared store, a PEM file, the HS256 secret).
 * - `signer` and `verifier` answer from memory, with no I/O: they are on the hot path.
 * - `verifier(kid)` is null for a kid the set does not hold. A token without a kid
 *   gets a verifier only in HS256 mode, for tokens signed before kids existed.
 * - `publicKeys` is what verifiers elsewhere may trust now; empty in HS256 mode.
 * - `rotate` stores and publishes a successor; it throws FAILED_PRECONDITION /
 *   SIGNING_KEY_NOT_ROTATABLE when the keys are not the service's to rotate.
 */
export interface SigningKeySet {
  signer(): SignerKey;
  verifier(kid: string | undefined): VerifierKey | null;
  publicKeys(): PublicJwk[];
  /** How long a verifier may cache `publicKeys` and still learn of a new key before it signs. */
  readonly cacheSeconds: number;
  rotate(): Promise<SigningKeyView>;
  /** The published keys with their states; a stored set reads the store afresh first. */
  inventory(): Promise<KeyInventory>;
  close(): Promise<void>;
}
