/**
 * Rotation of the stored signing keys. Instances share no lock and FerretDB has no
 * transactions, so agreement rests on the store's unique generation: whoever inserts
 * generation n+1 first has chosen the successor, and every other instance reads it back.
 * Time is the store's (`SigningKeyStore.now`), never the instance's: an instance whose
 * clock runs 70 days ahead would otherwise insert a successor, retire the key every other
 * instance signs with and delete it, and their tokens with it.
 */
import { DuplicateKeyError } from '../kernel/errors.js';
import type { AsymmetricAlgorithm, RotationPolicy, SigningKeyRecord, SigningKeyStore } from './ports.js';
import { newestKey, partitionKeys, scheduledActivation } from './schedule.js';

/** Makes a fresh key pair and seals its private half; the domain never sees key material. */
export interface SigningKeyGenerator {
  generate(input: { algorithm: AsymmetricAlgorithm; generation: number; createdAt: Date; activatesAt: Date }): SigningKeyRecord;
}

export class SigningKeyRotation {
  constructor(
    private readonly store: SigningKeyStore,
    private readonly generator: SigningKeyGenerator,
    private readonly policy: RotationPolicy,
    private readonly algorithm: AsymmetricAlgorithm,
  ) {}

  /**
   * Brings the stored set up to date and returns it: the first key when there is none,
   * the scheduled successor once it is due, and expired keys removed.
   */
  async maintain(): Promise<SigningKeyRecord[]> {
    let keys = await this.store.list();
    const now = await this.store.now();
    const activation = scheduledActivation(keys, now, this.policy, this.algorithm);
    if (activation !== null && activation - this.policy.publishAheadMs <= now) {
      // The very first key signs at once: nothing signed before it, so no cache needs warning.
      keys = (await this.insertSuccessor(keys, now, keys.length === 0 ? now : activation)).keys;
    }
    const { published, expired } = partitionKeys(keys, now, this.policy.retainMs);
    for (const key of expired) await this.store.delete(key.kid);
    return published;
  }

  /**
   * Publishes a successor now, to sign once `publishAheadMs` has passed. When a successor
   * is already waiting to sign, that one is returned instead of stacking another.
   */
  async rotate(): Promise<SigningKeyRecord> {
    const keys = await this.store.list();
    const now = await this.store.now();
    const newest = newestKey(keys);
    if (newest !== null && newest.activatesAt.getTime() > now) return newest;
    return (await this.insertSuccessor(keys, now, now + this.policy.publishAheadMs)).key;
  }

  /**
   * Inserts the next generation, created at `now` (the same moment its activation was
   * reckoned from, so a rotation's publish-ahead is exact); when another instance got there
   * first, its key is the successor.
   */
  private async insertSuccessor(keys: SigningKeyRecord[], now: number, activatesAt: number): Promise<{ key: SigningKeyRecord; keys: SigningKeyRecord[] }> {
    const generation = (newestKey(keys)?.generation ?? 0) + 1;
    const key = this.generator.generate({
      algorithm: this.algorithm,
      generation,
      createdAt: new Date(now),
      activatesAt: new Date(activatesAt),
    });
    try {
      await this.store.insert(key);
      return { key, keys: [...keys, key] };
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      const stored = await this.store.list();
      const winner = stored.find((candidate) => candidate.generation === generation);
      if (winner === undefined) throw error;
      return { key: winner, keys: stored };
    }
  }
}
