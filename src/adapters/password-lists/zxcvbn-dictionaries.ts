import { createRequire } from 'node:module';

/**
 * The words the blocklist refuses: zxcvbn-ts's list of the most common passwords (from
 * leaked password corpora) and its English dictionaries (common words, first names, last
 * names, Wikipedia words): the guesses a dictionary attack tries first.
 */
let cached: string[] | null = null;

/**
 * Every entry of the dictionaries, loaded once per process on first use: the packages
 * decompress their lists when loaded (a few hundred milliseconds, megabytes of strings),
 * which a process that never checks a password should not pay. Required rather than
 * imported, so the call stays synchronous (the packages are CommonJS).
 */
export function commonPasswordWords(): readonly string[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const english = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  const words: string[] = [];
  const dictionaries = [
    common.dictionary['passwords-common'],
    english.dictionary['commonWords-en'],
    english.dictionary['firstnames-en'],
    english.dictionary['lastnames-en'],
    english.dictionary['wikipedia-en'],
  ];
  for (const dictionary of dictionaries) {
    for (const word of dictionary ?? []) words.push(String(word));
  }
  cached = words;
  return words;
}
