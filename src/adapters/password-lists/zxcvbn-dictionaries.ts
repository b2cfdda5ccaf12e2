import { createRequire } from 'node:module';

/**
 * The words the blocklist refuses: zxcvbn-ts's list of the most common passwords (from
 * leaked password corpora) and its English dictionaries (common words, first names, last
 * names, Wikipedia words): the guesses a dictionary attack tries first.
 */

const PACKAGES = ['@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en'];

/**
 * Every entry of the dictionaries. Called once per process, on the first password checked:
 * the packages decompress their lists when loaded (a few hundred milliseconds, some 20 MB
 * of strings), which a process that never checks a password should not pay. The
 * blocklist copies the words into a compact form, so the packages are then dropped from
 * the module cache and their arrays can be collected. Required rather than imported, so
 * the call stays synchronous and the packages (CommonJS) sit in a cache that lets them go.
 * Their decompressor goes too: it would keep its parent, and so the local require's
 * module and every package it loaded, alive.
 */
export function commonPasswordWords(): string[] {
  const require = createRequire(import.meta.url);
  const common = require(PACKAGES[0]!) as typeof import('@zxcvbn-ts/language-common');
  const english = require(PACKAGES[1]!) as typeof import('@zxcvbn-ts/language-en');
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
  const ofPackages = (file: string) => file.includes('/node_modules/@zxcvbn-ts/');
  for (const file of Object.keys(require.cache)) if (ofPackages(file)) delete require.cache[file];
  return words;
}
