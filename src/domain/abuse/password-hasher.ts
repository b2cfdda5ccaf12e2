/**
 * Hashes and checks user passwords (a port; the bcrypt adapter is in src/adapters/crypto).
 * - `hash` returns a salted, slow hash; two hashes of one password differ.
 * - `verify(password, null)` costs as long as checking a wrong password and answers false,
 *   so an unknown account cannot be told from a wrong password by timing.
 * - `needsRehash` is true for a hash made with weaker settings than the current ones, so
 *   the next successful login can upgrade it.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string | null): Promise<boolean>;
  needsRehash(hash: string): boolean;
}
