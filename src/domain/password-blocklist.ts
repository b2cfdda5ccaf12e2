/**
 * Refuses passwords an attacker tries first (NIST SP 800-63B: compare new passwords with
 * lists of commonly used, expected or compromised values). The check is a set lookup,
 * well under a millisecond, so it runs before any hashing.
 */
import { DomainError } from './errors.js';

export class PasswordBlocklist {
  private folded: Set<string> | null = null;

  /**
   * `words` in any case, compared case-insensitively after NFKC; or a function giving
   * them, called at the first check, so a process that never checks a password (a
   * bridge, a start-up) never loads the list.
   */
  constructor(private readonly words: Iterable<string> | (() => Iterable<string>)) {}

  /** How many distinct entries the list holds. */
  get size(): number {
    return this.entries().size;
  }

  /**
   * Throws INVALID_ARGUMENT / PASSWORD_TOO_COMMON when `password` is on the list, is one
   * character repeated (eight spaces), or is the account's email or its local part.
   */
  check(field: string, password: string, email: string): void {
    const folded = fold(password);
    const localPart = email.slice(0, email.lastIndexOf('@'));
    const entries = this.entries();
    const common =
      entries.has(folded) ||
      entries.has(folded.trim()) ||
      [...folded].every((char) => char === folded[0]) ||
      folded === fold(email) ||
      folded === fold(localPart);
    if (common) {
      throw new DomainError('PASSWORD_TOO_COMMON', `${field} is too common or too easy to guess; choose another`, field);
    }
  }

  private entries(): Set<string> {
    if (this.folded) return this.folded;
    const folded = new Set<string>();
    for (const word of typeof this.words === 'function' ? this.words() : this.words) folded.add(fold(word));
    this.folded = folded;
    return folded;
  }
}

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
