/**
 * The signing keys kept in the shared store (MongoDB `signing_keys`, or SQLite in the
 * embedded set-up), with their private halves sealed by the key-encryption key.
 */
import { createPublicKey } from 'node:crypto';
import { describeError } from '../../domain/kernel/error-text.js';
import type { Logger } from '../../domain/kernel/logger.js';
import type {
  AsymmetricAlgorithm,
  PublicJwk,
  RotationPolicy,
  SignerKey,
  SigningKeyRecord,
  SigningKeySet,
  SigningKeyStore,
  SigningKeyView,
  VerifierKey,
} from '../../domain/signing-keys/ports.js';
import { type SigningKeyGenerator, SigningKeyRotation } from '../../domain/signing-keys/rotation.js';
import { partitionKeys, signingKeyAt } from '../../domain/signing-keys/schedule.js';
import { asymmetricSigner, asymmetricVerifier, exportPrivateKey, generatePrivateKey, importPrivateKey, publicJwkOf } from './jws.js';
import { KeyDecryptionError, type KeyEncryption } from './key-encryption.js';

export interface StoredKeySetOptions {
  store: SigningKeyStore;
  encryption: KeyEncryption;
  algorithm: AsymmetricAlgorithm;
  policy: RotationPolicy;
  /** Where the key-encryption key came from, for the start-up error. */
  encryptionKeySource: string;
  log: Logger;
  now?: () => number;
}

interface LoadedKey {
  record: SigningKeyRecord;
  generation: number;
  activatesAt: Date;
  signer: SignerKey;
  verifier: VerifierKey;
}

/** An unknown kid triggers a reload at most this often, so forged kids cannot flood the store. */
const UNKNOWN_KID_RELOAD_MS = 5_000;

/**
 * Reloads the set every quarter of the publish-ahead time and lets verifiers cache it as
 * long again, so every instance and every cache knows a new key well before it signs.
 */
export class StoredKeySet implements SigningKeySet {
  readonly cacheSeconds: number;
  private loaded = new Map<string, LoadedKey>();
  private published: LoadedKey[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastReload = 0;
  private readonly now: () => number;

  private constructor(
    private readonly rotation: SigningKeyRotation,
    private readonly options: StoredKeySetOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cacheSeconds = Math.max(1, Math.min(300, Math.floor(options.policy.publishAheadMs / 4000)));
  }

  /**
   * Opens every stored key first: a key-encryption key that opens none of them stops
   * start-up here, before a new key could be generated over the existing set.
   */
  static async open(options: StoredKeySetOptions): Promise<StoredKeySet> {
    const generator = new SealingKeyGenerator(options.encryption);
    const rotation = new SigningKeyRotation(options.store, generator, options.policy, options.algorithm, options.now);
    const set = new StoredKeySet(rotation, options);
    for (const record of await options.store.list()) {
      try {
        set.load(record);
      } catch (error) {
        if (!(error instanceof KeyDecryptionError)) throw error;
        throw new Error(
          `the key-encryption key (${options.encryptionKeySource}) does not open the stored signing key ${record.kid}: ` +
            'set the key the signing keys were encrypted with. No new key set is generated over an existing one',
        );
      }
    }
    await set.reload();
    const refreshMs = Math.max(1000, Math.min(60_000, Math.floor(options.policy.publishAheadMs / 4)));
    set.timer = setInterval(() => void set.reloadQuietly(), refreshMs);
    set.timer.unref();
    return set;
  }

  signer(): SignerKey {
    const signing = signingKeyAt(this.published, this.now());
    if (signing === null) throw new Error('no signing key is loaded');
    return signing.signer;
  }

  verifier(kid: string | undefined): VerifierKey | null {
    if (kid === undefined) return null;
    const key = this.loaded.get(kid);
    if (key !== undefined) return key.verifier;
    // Another instance may have just stored a key this one has not read yet.
    if (this.now() - this.lastReload >= UNKNOWN_KID_RELOAD_MS) void this.reloadQuietly();
    return null;
  }

  publicKeys(): PublicJwk[] {
    return this.published.map((key) => key.record.publicKey);
  }

  async rotate(): Promise<SigningKeyView> {
    const key = await this.rotation.rotate();
    await this.reload();
    return { kid: key.kid, algorithm: key.algorithm, publishedAt: key.createdAt, activatesAt: key.activatesAt };
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async reload(): Promise<void> {
    this.lastReload = this.now();
    const records = await this.rotation.maintain();
    const next = new Map<string, LoadedKey>();
    for (const record of records) {
      const known = this.loaded.get(record.kid);
      try {
        next.set(record.kid, known ?? this.load(record));
      } catch (error) {
        this.options.log.error(
          { kid: record.kid, err: describeError(error) },
          "a stored signing key cannot be opened with this instance's key-encryption key; it is ignored",
        );
      }
    }
    this.loaded = next;
    this.published = partitionKeys([...next.values()], this.now(), this.options.policy.retainMs).published;
  }

  private async reloadQuietly(): Promise<void> {
    await this.reload().catch((error: unknown) => {
      this.options.log.warn({ err: describeError(error) }, 'signing keys could not be reloaded; the keys already loaded stay in use');
    });
  }

  private load(record: SigningKeyRecord): LoadedKey {
    const privateKey = importPrivateKey(this.options.encryption.open(record.sealedPrivateKey, record.kid));
    const loaded = {
      record,
      generation: record.generation,
      activatesAt: record.activatesAt,
      signer: asymmetricSigner(record.kid, record.algorithm, privateKey),
      verifier: asymmetricVerifier(record.algorithm, createPublicKey(privateKey)),
    };
    this.loaded.set(record.kid, loaded);
    return loaded;
  }
}

/** Generates key pairs and seals the private half, bound to its kid. */
class SealingKeyGenerator implements SigningKeyGenerator {
  constructor(private readonly encryption: KeyEncryption) {}

  generate(input: { algorithm: AsymmetricAlgorithm; generation: number; createdAt: Date; activatesAt: Date }): SigningKeyRecord {
    const privateKey = generatePrivateKey(input.algorithm);
    const publicKey = publicJwkOf(privateKey, input.algorithm);
    return {
      kid: publicKey.kid,
      generation: input.generation,
      algorithm: input.algorithm,
      publicKey,
      sealedPrivateKey: this.encryption.seal(exportPrivateKey(privateKey), publicKey.kid),
      createdAt: input.createdAt,
      activatesAt: input.activatesAt,
    };
  }
}
