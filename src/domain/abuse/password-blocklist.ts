/**
 * Refuses passwords an attacker tries first (NIST SP 800-63B: compare new passwords with
 * lists of commonly used, expected or compromised values). The check is a binary search,
 * cheap next to a hash, so it runs before any hashing.
 */
import { DomainError } from '../kernel/errors.js';
import type { PasswordBlocklist } from './ports.js';

export class CommonPasswordBlocklist implements PasswordBlocklist {
  private list: SortedWords | null = null;

  /**
   * `words` in any case, compared case-insensitively after NFKC; or a function giving
   * them, or giving the list ready-made (SortedWords.fromLines), called at the first
   * check, so a process that never checks a password (a bridge, a start-up) never loads
   * the list.
   */
  constructor(private words: Iterable<string> | (() => Iterable<string> | SortedWords)) {}

  /** How many distinct entries the list holds. */
  get size(): number {
    return this.entries().size;
  }

  /**
   * Throws INVALID_ARGUMENT / PASSWORD_TOO_COMMON when `password` is on the list, is one
   * character repeated (eight spaces), or is the account's email or its local part.
   */
  check(field: string, password: string, email: string): void {
    const folded = foldPassword(password);
    const localPart = email.slice(0, email.lastIndexOf('@'));
    const entries = this.entries();
    const common =
      entries.has(folded) ||
      entries.has(folded.trim()) ||
      [...folded].every((char) => char === folded[0]) ||
      folded === foldPassword(email) ||
      folded === foldPassword(localPart);
    if (common) {
      throw new DomainError('PASSWORD_TOO_COMMON', `${field} is too common or too easy to guess; choose another`, field);
    }
  }

  private entries(): SortedWords {
    if (this.list) return this.list;
    const words = typeof this.words === 'function' ? this.words() : this.words;
    if (words instanceof SortedWords) {
      this.list = words;
    } else {
      const folded: string[] = [];
      for (const word of words) folded.push(foldPassword(word));
      this.list = SortedWords.of(folded);
    }
    // The words were copied into the compact list; whatever held them may now be let go.
    this.words = [];
    return this.list;
  }
}

/**
 * Distinct words, sorted and joined into one string, one per line, with where each starts.
 * The garbage collector traces two objects instead of the 180,000 strings of a Set, which
 * every full collection of a busy server would otherwise walk, and it takes far less
 * memory. A lookup is a binary search (18 steps for 180,000 words) comparing code units in
 * place.
 */
export class SortedWords {
  private constructor(
    /** The words, each followed by '\n' but the last. */
    private readonly text: string,
    /** Entry i is text[starts[i], starts[i + 1] - 1): the line separator is not part of it. */
    private readonly starts: Uint32Array,
  ) {}

  /** The distinct words of `words`, as given (folding is the caller's). */
  static of(words: string[]): SortedWords {
    // The default sort orders by UTF-16 code units, as `compareAt` does.
    return SortedWords.fromLines([...new Set(words)].sort().join('\n'));
  }

  /**
   * Distinct words in UTF-16 code-unit order, one per line ('\n' ends each but the last),
   * as the build writes the common-password list: read in place, without a string for each
   * word. Throws when the lines are out of order or repeat, since a binary search over them
   * would then miss words.
   */
  static fromLines(lines: string): SortedWords {
    let count = lines.length === 0 ? 0 : 1;
    for (let at = lines.indexOf('\n'); at !== -1; at = lines.indexOf('\n', at + 1)) count++;
    const starts = new Uint32Array(count + 1);
    let lineStart = 0;
    for (let i = 0; i < count; i++) {
      starts[i] = lineStart;
      const end = lines.indexOf('\n', lineStart);
      lineStart = end === -1 ? lines.length + 1 : end + 1;
    }
    starts[count] = lineStart;
    const list = new SortedWords(lines, starts);
    for (let i = 1; i < count; i++) {
      if (list.compareAt(i - 1, lines, starts[i]!, list.lengthOf(i)) >= 0) throw new Error(`word list out of order or repeated at line ${i + 1}`);
    }
    return list;
  }

  get size(): number {
    return this.starts.length - 1;
  }

  has(word: string): boolean {
    return this.indexOf(word) !== -1;
  }

  /** The position of `word` in code-unit order, or -1 when it is not a word of the list. */
  indexOf(word: string): number {
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.compareAt(middle, word, 0, word.length);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** The length of the longest word, in UTF-16 code units. */
  longestLength(): number {
    let longest = 0;
    for (let i = 0; i < this.size; i++) longest = Math.max(longest, this.lengthOf(i));
    return longest;
  }

  private lengthOf(i: number): number {
    return this.starts[i + 1]! - this.starts[i]! - 1;
  }

  /** Negative when entry `i` sorts before `other[from, from + length)`, zero when they are equal. */
  private compareAt(i: number, other: string, from: number, length: number): number {
    const start = this.starts[i]!;
    const entryLength = this.lengthOf(i);
    const common = Math.min(entryLength, length);
    for (let k = 0; k < common; k++) {
      const difference = this.text.charCodeAt(start + k) - other.charCodeAt(from + k);
      if (difference !== 0) return difference;
    }
    return entryLength - length;
  }
}

/** How the list and the passwords checked against it are compared: NFKC, then lower case. */
export function foldPassword(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
