/**
 * Writes the common-password list the service checks new passwords against
 * (src/adapters/password-lists/common-password-file.ts): the words of zxcvbn-ts's
 * dictionaries, folded as passwords are compared, distinct, in code-unit order, one per
 * line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMON_PASSWORD_FILE } from '../adapters/password-lists/common-password-file.js';
import { foldPassword } from '../domain/abuse/password-blocklist.js';
import { commonPasswordWords } from './zxcvbn-dictionaries.js';

/** The list's lines from the dictionaries' words. */
function passwordListLines(words: Iterable<string>): string {
  const folded = new Set<string>();
  for (const word of words) folded.add(foldPassword(word));
  // The default sort orders by UTF-16 code units, as the list's lookups compare.
  return [...folded].sort().join('\n');
}

/** Writes the list under `root` (the package root). */
export function writePasswordList(root: string): void {
  const lines = passwordListLines(commonPasswordWords());
  const file = path.join(root, COMMON_PASSWORD_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, lines);
  fs.renameSync(`${file}.tmp`, file);
}
