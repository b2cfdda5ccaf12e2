import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import type { PasswordHasher } from '../../domain/abuse/ports.js';

/** bcrypt's own base-64 alphabet, in which a hash's salt and checksum are written. */
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Characters of the checksum that follows the salt in a hash. */
const CHECKSUM_LENGTH = 31;
/** Milliseconds per round of the key schedule assumed before a hash is timed (cost 12: 512 ms). */
const MS_PER_ROUND = 0.125;

/**
 * bcrypt with a configured cost. Verification of an unknown account runs against a dummy
 * hash of the same cost, so it takes as long as a wrong password. The dummy is a fresh salt
 * of that cost with a random checksum: comparing against it runs the full key schedule, as
 * against a real hash, and matches nothing, and making it costs no hashing, so nothing of it
 * runs at start.
 */
export class BcryptPasswordHasher implements PasswordHasher {
  private readonly dummyHash: string;

  constructor(readonly cost: number) {
    const checksum = Array.from(randomBytes(CHECKSUM_LENGTH), (byte) => BCRYPT_ALPHABET[byte & 63]).join('');
    this.dummyHash = bcrypt.genSaltSync(cost) + checksum;
  }

  /**
   * How long one hash is taken to last before one has been timed on this machine: twice
   * what a current server core takes (docs/benchmarks.md), doubling with each step of the
   * cost as bcrypt's work does. Too long only refuses a few callers early; too short would
   * admit more than can be served in time.
   */
  get assumedHashMs(): number {
    return 2 ** this.cost * MS_PER_ROUND;
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  /** Compares against `hash`, or the dummy hash when it is null; false in that case. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash ?? this.dummyHash);
    return matches && hash !== null;
  }

  /** True when `hash` was made with a lower cost than configured. */
  needsRehash(hash: string): boolean {
    return bcrypt.getRounds(hash) < this.cost;
  }
}
