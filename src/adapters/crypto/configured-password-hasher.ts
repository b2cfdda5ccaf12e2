import type { PasswordHasher } from '../../domain/abuse/ports.js';
import { type Argon2idParameters, Argon2idPasswordHasher } from './argon2id-password-hasher.js';
import { BcryptPasswordHasher } from './bcrypt-password-hasher.js';

/** What the configuration says about password hashes (src/config/password-hashing.ts, plus BCRYPT_COST). */
export interface PasswordHashSettings {
  readonly algorithm: 'bcrypt' | 'argon2id';
  readonly bcryptCost: number;
  readonly argon2id: Argon2idParameters;
}

/** A hasher the hashing queue can size its first estimate from. */
export interface TimedPasswordHasher extends PasswordHasher {
  /** How long one hash of the configured algorithm is taken to last until one has been timed. */
  readonly assumedHashMs: number;
}

/** An argon2 hash in the PHC format (`$argon2id$`, and the `$argon2i$` / `$argon2d$` variants). */
const ARGON2 = /^\$argon2(id|i|d)\$/;

/**
 * Hashes new passwords with the configured algorithm and checks each stored hash with its
 * own, whatever is configured: an imported bcrypt hash logs in under argon2id, and an
 * argon2id hash still logs in after a switch back to bcrypt. A hash of the other algorithm,
 * or of weaker settings than the configured ones, needs a re-hash, so the next successful
 * login moves it to the configured algorithm. An unknown account is compared against the
 * configured algorithm's dummy, so it costs what a wrong password of a current hash costs.
 */
export class ConfiguredPasswordHasher implements TimedPasswordHasher {
  constructor(
    private readonly configured: BcryptPasswordHasher | Argon2idPasswordHasher,
    private readonly bcrypt: BcryptPasswordHasher,
    private readonly argon2id: Argon2idPasswordHasher,
  ) {}

  get assumedHashMs(): number {
    return this.configured.assumedHashMs;
  }

  hash(password: string): Promise<string> {
    return this.configured.hash(password);
  }

  verify(password: string, hash: string | null): Promise<boolean> {
    return hash === null ? this.configured.verify(password, null) : this.hasherOf(hash).verify(password, hash);
  }

  needsRehash(hash: string): boolean {
    return this.hasherOf(hash) !== this.configured || this.configured.needsRehash(hash);
  }

  /** Anything not argon2 goes to bcrypt, which is what every hash was before argon2id could be chosen. */
  private hasherOf(hash: string): BcryptPasswordHasher | Argon2idPasswordHasher {
    return ARGON2.test(hash) ? this.argon2id : this.bcrypt;
  }
}

export function passwordHasherFor(settings: PasswordHashSettings): ConfiguredPasswordHasher {
  const bcrypt = new BcryptPasswordHasher(settings.bcryptCost);
  const argon2id = new Argon2idPasswordHasher(settings.argon2id);
  return new ConfiguredPasswordHasher(settings.algorithm === 'argon2id' ? argon2id : bcrypt, bcrypt, argon2id);
}
