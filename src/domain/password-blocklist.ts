/**
 * Refuses passwords an attacker tries first (NIST SP 800-63B: compare new passwords with
 * lists of commonly used, expected or compromised values). The check is a set lookup,
 * well under a millisecond, so it runs before any hashing.
 */
import { DomainError } from './errors';

export class PasswordBlocklist {
  /** `words` in any case; they are compared case-insensitively after NFKC. */
  constructor(words: Iterable<string>) {
    this.words = new Set();
    for (const word of words) this.words.add(fold(word));
  }

  private readonly words: Set<string>;

  /** How many distinct entries the list holds. */
  get size(): number {
    return this.words.size;
  }

  /**
   * Throws INVALID_ARGUMENT / PASSWORD_TOO_COMMON when `password` is on the list, is one
   * character repeated (eight spaces), or is the account's email or its local part.
   */
  check(field: string, password: string, email: string): void {
    const folded = fold(password);
    const localPart = email.slice(0, email.lastIndexOf('@'));
    const common =
      this.words.has(folded) ||
      this.words.has(folded.trim()) ||
      [...folded].every((char) => char === folded[0]) ||
      folded === fold(email) ||
      folded === fold(localPart);
    if (common) {
      throw new DomainError('PASSWORD_TOO_COMMON', `${field} is too common or too easy to guess; choose another`, field);
    }
  }
}

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
