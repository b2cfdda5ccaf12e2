/**
 * The password hash new passwords get: bcrypt (the default, what the original service
 * stored) or argon2id with its parameters. Whatever is chosen, a stored hash is checked by
 * its own algorithm (src/adapters/crypto/configured-password-hasher.ts); the choice decides
 * only what is written. Why argon2id is opt-in and why these bounds: docs/adr/0014-argon2id-opt-in.md.
 */
import type { Reader } from './reader.js';

export interface PasswordHashingConfig {
  readonly algorithm: 'bcrypt' | 'argon2id';
  /** Read whatever the algorithm, so a bad value stops the start before anyone switches to it. */
  readonly argon2id: {
    /** Memory per hash, in KiB (`m=`). */
    readonly memoryKib: number;
    /** Passes over that memory (`t=`). */
    readonly iterations: number;
    /** Lanes (`p=`). */
    readonly parallelism: number;
  };
}

/**
 * OWASP Password Storage Cheat Sheet's recommended minimum for argon2id: 19 MiB, 2
 * iterations, 1 lane. Each is also the lowest value accepted: OWASP's other trade-offs of
 * equal strength (46 MiB with one iteration, less memory with more iterations) fall below
 * one of them and are refused, so no variable can be lowered on its own.
 */
export const ARGON2ID_MINIMUM = { memoryKib: 19456, iterations: 2, parallelism: 1 } as const;

/** Upper bounds against typos: each hash holds its memory for its duration, HASH_CONCURRENCY at once. */
const MAX_MEMORY_KIB = 1024 * 1024;
const MAX_ITERATIONS = 32;
const MAX_PARALLELISM = 16;

export function passwordHashingFrom(read: Reader): PasswordHashingConfig {
  return {
    algorithm: read.oneOf('PASSWORD_HASH', ['bcrypt', 'argon2id'] as const, 'bcrypt'),
    argon2id: {
      memoryKib: read.int('ARGON2_MEMORY_KIB', ARGON2ID_MINIMUM.memoryKib, ARGON2ID_MINIMUM.memoryKib, MAX_MEMORY_KIB),
      iterations: read.int('ARGON2_ITERATIONS', ARGON2ID_MINIMUM.iterations, ARGON2ID_MINIMUM.iterations, MAX_ITERATIONS),
      parallelism: read.int('ARGON2_PARALLELISM', ARGON2ID_MINIMUM.parallelism, ARGON2ID_MINIMUM.parallelism, MAX_PARALLELISM),
    },
  };
}
