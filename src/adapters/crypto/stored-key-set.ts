/**
 * The signing keys kept in the shared store (MongoDB `signing_keys`, or SQLite in the
 * embedded set-up), with their private halves sealed by the key-encryption key.
 */
import { createPublicKey } from 'node:crypto';
import { describeError } from '../../domain/kernel/error-text.js';
import type { Logger } from '../../domain/kernel/logger.js';
import type {
  AsymmetricAlgorithm,
  KeyInventory,
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
import { keyStatuses, partitionKeys, signingKeyAt } from '../../domain/signing-keys/schedule.js';
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
  /** This instance's clock; which key signs and what is published follow the store's, estimated from it. */
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
/** A clock further than this from the store's is logged as a warning ... */
const CLOCK_DISAGREEMENT_MS = 60_000;
/** ... and again at most this often while it lasts. */
const CLOCK_WARNING_INTERVAL_MS = 10 * 60_000;

/**
 * Reloads the set every quarter of the publish-ahead time and lets verifiers cache it as
 * long again, so every instance and every cache knows a new key well before it signs.
 *
 * Keys change by the store's clock, not this instance's (rotation.ts): each reload reads
 * the store's time and keeps the difference, so between reloads this instance picks the
 * signing key as every other instance does, however wrong its own clock is. A difference
 * of more than a minute is logged as a warning: the tokens this instance issues carry its
 * own clock's times, which other instances may refuse.
 */
export class StoredKeySet implements SigningKeySet {
  readonly cacheSeconds: number;
  private loaded = new Map<string, LoadedKey>();
  private published: LoadedKey[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastReload = 0;
  private readonly now: () => number;
  /** The store's clock minus this instance's, as last measured. */
  private clockOffsetMs = 0;
  private lastClockWarning: number | null = null;

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
    const rotation = new SigningKeyRotation(options.store, generator, options.policy, options.algorithm);
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
    const signing = signingKeyAt(this.published, this.storeNow());
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

  async inventory(): Promise<KeyInventory> {
    await this.reload();
    const records = this.published.map((key) => key.record);
    return { source: 'stored', keys: keyStatuses(records, this.storeNow(), this.options.policy.retainMs) };
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async reload(): Promise<void> {
    this.lastReload = this.now();
    await this.measureClock();
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
    this.published = partitionKeys([...next.values()], this.storeNow(), this.options.policy.retainMs).published;
  }

  /** The store's time now, as this instance reckons it from its own clock and the last measured difference. */
  private storeNow(): number {
    return this.now() + this.clockOffsetMs;
  }

  /** Reads the store's clock, keeps its difference from this instance's (to half a round trip) and warns of a large one. */
  private async measureClock(): Promise<void> {
    const sentAt = this.now();
    const storeTime = await this.options.store.now();
    const localTime = (sentAt + this.now()) / 2;
    this.clockOffsetMs = storeTime - localTime;
    const disagreement = Math.abs(this.clockOffsetMs);
    if (disagreement <= CLOCK_DISAGREEMENT_MS) {
      if (this.lastClockWarning !== null) this.options.log.info({}, "this instance's clock agrees with the signing-key store's again");
      this.lastClockWarning = null;
      return;
    }
    if (this.lastClockWarning !== null && localTime - this.lastClockWarning < CLOCK_WARNING_INTERVAL_MS) return;
    this.lastClockWarning = localTime;
    const seconds = Math.round(disagreement / 1000);
    this.options.log.warn(
      { aheadOfStoreSeconds: Math.round(-this.clockOffsetMs / 1000), storeTime: new Date(storeTime).toISOString() },
      `this instance's clock is ${describeSeconds(seconds)} ${this.clockOffsetMs < 0 ? 'ahead of' : 'behind'} the signing-key store's: ` +
        "signing keys follow the store's clock, but the tokens this instance issues carry its own times, which other instances may refuse. Fix this machine's clock (NTP)",
    );
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

/** A duration for a log line: seconds, or days when there are many. */
function describeSeconds(seconds: number): string {
  return seconds < 2 * 86_400 ? `${seconds} s` : `${Math.round(seconds / 86_400)} days (${seconds} s)`;
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
