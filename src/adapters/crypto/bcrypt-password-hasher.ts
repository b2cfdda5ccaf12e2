import bcrypt from 'bcrypt';
import type { PasswordHasher } from '../../domain/password-hasher.js';

/**
 * bcrypt with a configured cost. Verification of an unknown account runs against a dummy
 * hash of the same cost, so it takes as long as a wrong password. The dummy hash is made on
 * bcrypt's worker threads as the hasher is built, not on the start-up path (a cost-10 hash
 * is some 55 ms of a cold start); a verification that comes before it is ready waits for it.
 */
export class BcryptPasswordHasher implements PasswordHasher {
  private readonly dummyHash: Promise<string>;

  constructor(readonly cost: number) {
    this.dummyHash = bcrypt.hash('dummy password that matches nothing', cost);
    // A failure surfaces on the first verification of an unknown account, not as an unhandled rejection.
    this.dummyHash.catch(() => {});
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  /** Compares against `hash`, or the dummy hash when it is null; false in that case. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash ?? (await this.dummyHash));
    return matches && hash !== null;
  }

  /** True when `hash` was made with a lower cost than configured. */
  needsRehash(hash: string): boolean {
    return bcrypt.getRounds(hash) < this.cost;
  }
}
