import { createRequire } from 'node:module';

/**
 * The words the blocklist refuses: zxcvbn-ts's list of the most common passwords (from
 * leaked password corpora) and its English dictionaries (common words, first names, last
 * names, Wikipedia words): the guesses a dictionary attack tries first. And the same
 * packages' data for the strength estimator.
 */

const PACKAGES = ['@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en'];

/**
 * Every entry of the dictionaries, for the build's common-password list (password-list.ts;
 * the service reads that list, not these packages, which are development dependencies).
 * The packages decompress their lists when loaded: a few hundred milliseconds and some
 * 60 MB for a moment. Required rather than imported, so the call stays synchronous, and
 * dropped from the module cache after, with their decompressor (which would keep its
 * parent, and so every package the local require loaded, alive), so a long-lived caller
 * (a test) lets their arrays go.
 */
export function commonPasswordWords(): string[] {
  const { common, english } = loadPackages();
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
  return words;
}

/** What the strength estimator is given, as zxcvbn-ts's documentation sets it up: every dictionary of both packages, the keyboard graphs, the English feedback. */
export interface EstimatorData {
  dictionary: Record<string, (string | number)[]>;
  graphs: unknown;
  translations: unknown;
}

/** The packages' data for the strength estimator (src/build/strength-dictionaries.ts writes it into dist/). */
export function estimatorData(): EstimatorData {
  const { common, english } = loadPackages();
  return {
    dictionary: { ...common.dictionary, ...english.dictionary } as Record<string, (string | number)[]>,
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  };
}

function loadPackages() {
  const require = createRequire(import.meta.url);
  const common = require(PACKAGES[0]!) as typeof import('@zxcvbn-ts/language-common');
  const english = require(PACKAGES[1]!) as typeof import('@zxcvbn-ts/language-en');
  const ofPackages = (file: string) => file.includes('/node_modules/@zxcvbn-ts/');
  for (const file of Object.keys(require.cache)) if (ofPackages(file)) delete require.cache[file];
  return { common, english };
}
