import * as fs from 'node:fs';
import * as path from 'node:path';
import { SortedWords } from '../../domain/abuse/password-blocklist.js';
import { packageRoot } from '../package-root.js';

/**
 * The common-password list as the build writes it (src/build/password-list.ts): the
 * words of zxcvbn-ts's dictionaries, folded, distinct and sorted, one per line, in
 * dist/common-passwords.txt.
 *
 * Why a built file rather than the dictionary packages at run time: those decompress
 * their lists when loaded, which holds the event loop at the first password checked and
 * takes, for a moment, most of a server's peak memory (the packages' strings and arrays).
 * Read from this file, in place, the list costs a fraction of that time and keeps only its
 * text (the figures: docs/adr/0004-bundled-start.md).
 */
export const COMMON_PASSWORD_FILE = path.join('dist', 'common-passwords.txt');

export function commonPasswordList(root = packageRoot(import.meta.dirname)): SortedWords {
  const file = path.join(root, COMMON_PASSWORD_FILE);
  let lines: string;
  try {
    lines = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`the common-password list ${file} cannot be read (npm run build writes it): ${(error as Error).message}`);
  }
  return SortedWords.fromLines(lines);
}
