/**
 * The key schedule: which key signs, which keys are published and when the next one is
 * due, from the stored set and the clock alone.
 */
import type { AsymmetricAlgorithm, KeyStatus, RotationPolicy, SigningKeyRecord } from './ports.js';

/** The key that signs at `now`: the newest one already active (or, before any is, the oldest). */
export function signingKeyAt<K extends Pick<SigningKeyRecord, 'generation' | 'activatesAt'>>(keys: readonly K[], now: number): K | null {
  let signing: K | null = null;
  for (const key of keys) {
    if (key.activatesAt.getTime() <= now && (signing === null || key.generation > signing.generation)) signing = key;
  }
  if (signing !== null) return signing;
  return keys.reduce<K | null>((oldest, key) => (oldest === null || key.generation < oldest.generation ? key : oldest), null);
}

/**
 * The keys verifiers must trust at `now`: the signing key, every key not yet active, and
 * every retired key whose last token may still be alive. The rest are expired.
 */
export function partitionKeys<K extends Pick<SigningKeyRecord, 'generation' | 'activatesAt'>>(
  keys: readonly K[],
  now: number,
  retainMs: number,
): { published: K[]; expired: K[] } {
  const signing = signingKeyAt(keys, now);
  const published: K[] = [];
  const expired: K[] = [];
  for (const key of keys) {
    const successor = keys.find((other) => other.generation === key.generation + 1);
    const retiredFor = successor === undefined ? -Infinity : now - successor.activatesAt.getTime();
    if (key === signing || retiredFor < retainMs) published.push(key);
    else expired.push(key);
  }
  return { published, expired };
}

/** The newest key stored (the one a successor would follow). */
export function newestKey<K extends Pick<SigningKeyRecord, 'generation'>>(keys: readonly K[]): K | null {
  return keys.reduce<K | null>((newest, key) => (newest === null || key.generation > newest.generation ? key : newest), null);
}

/**
 * When the successor of the signing key must start signing on schedule, or null when a
 * successor is already stored. It is inserted `publishAheadMs` before that moment.
 */
export function scheduledActivation(keys: readonly SigningKeyRecord[], now: number, policy: RotationPolicy, algorithm: AsymmetricAlgorithm): number | null {
  const newest = newestKey(keys);
  if (newest === null) return now;
  if (newest.activatesAt.getTime() > now) return null;
  // A change of JWT_ALGORITHM is a rotation that is due now.
  if (newest.algorithm !== algorithm) return now + policy.publishAheadMs;
  return Math.max(now + policy.publishAheadMs, newest.activatesAt.getTime() + policy.rotationMs);
}

/** The published keys at `now`, newest first, each with its state and the dates that go with it. */
export function keyStatuses(keys: readonly SigningKeyRecord[], now: number, retainMs: number): KeyStatus[] {
  const { published } = partitionKeys(keys, now, retainMs);
  const signing = signingKeyAt(published, now);
  return [...published]
    .sort((a, b) => b.generation - a.generation)
    .map((key) => {
      const successor = keys.find((other) => other.generation === key.generation + 1);
      const state = key === signing ? 'active' : key.activatesAt.getTime() > now ? 'next' : 'retired';
      const retiredAt = state === 'retired' && successor !== undefined ? successor.activatesAt : null;
      return {
        kid: key.kid,
        algorithm: key.algorithm,
        state,
        createdAt: key.createdAt,
        activatesAt: key.activatesAt,
        retiredAt,
        expiresAt: retiredAt === null ? null : new Date(retiredAt.getTime() + retainMs),
      };
    });
}
