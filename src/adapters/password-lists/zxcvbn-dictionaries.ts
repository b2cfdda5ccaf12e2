/**
 * The words the blocklist refuses: zxcvbn-ts's list of the most common passwords (from
 * leaked password corpora) and its English dictionaries (common words, first names, last
 * names, Wikipedia words): the guesses a dictionary attack tries first.
 */
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

let cached: string[] | null = null;

/** Every entry of the dictionaries, loaded once per process (they decompress on first use). */
export function commonPasswordWords(): readonly string[] {
  if (cached) return cached;
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
