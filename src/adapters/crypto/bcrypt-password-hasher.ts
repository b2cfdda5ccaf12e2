import bcrypt from 'bcrypt';
import type { PasswordHasher } from '../../domain/password-hasher.js';

/**
 * bcrypt with a configured cost. Verification of an unknown account runs against a dummy
 * hash of the same cost, so it takes as long as a wrong password.
 */
export class BcryptPasswordHasher implements PasswordHasher {
  private readonly dummyHash: string;

  constructor(readonly cost: number) {
    this.dummyHash = bcrypt.hashSync('dummy password that matches nothing', cost);
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
