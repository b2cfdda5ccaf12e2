import * as fs from 'node:fs';
import * as path from 'node:path';
import { SortedWords } from '../../domain/abuse/password-blocklist.js';
import type { StrengthEstimate } from '../../domain/abuse/ports.js';
import { packageRoot } from '../package-root.js';

/**
 * zxcvbn-ts (`@zxcvbn-ts/core`) set up with the dictionaries, keyboard graphs and English
 * feedback of its language packages, as the build writes them into
 * dist/password-dictionaries.json (src/build/strength-dictionaries.ts). It runs on the
 * estimator's thread (strength-worker.ts); the tests and the bench load it directly.
 *
 * The dictionaries are read in place, as the common-password list is: each is its sorted
 * words in one string plus their ranks, looked up by binary search, instead of the objects
 * keyed by every word that zxcvbn-ts would build, which take several times longer to load
 * and keep many times the memory (figures and the decision:
 * docs/adr/0008-password-strength.md). The one
 * internal this relies on, that zxcvbn-ts reads a rank as `rankedDictionaries[name][word]`,
 * is pinned by the exact version in package.json and checked by
 * test/unit/adapters/zxcvbn-strength.test.ts, which compares every estimate with the
 * library's own set-up.
 */
export const STRENGTH_DATA_FILE = path.join('dist', 'password-dictionaries.json');

/** zxcvbn-ts's own advice: its cost grows fast with length, so it judges a prefix only. */
export const ESTIMATED_LENGTH = 64;
/**
 * How many l33t readings of a password zxcvbn-ts tries (its default is 100). Each costs a
 * full pass of the dictionaries; 8 keep the same scores on the passwords crackers try
 * (`P@ssw0rd`) at a fraction of the worst-case cost (docs/adr/0008-password-strength.md).
 */
export const L33T_READINGS = 8;

/** One dictionary as the build writes it. */
export interface RankedDictionaryFile {
  /** Distinct words in UTF-16 code-unit order, one per line. */
  words: string;
  /** Base64 of each word's rank, a 32-bit little-endian integer, in the same order. */
  ranks: string;
}

export interface StrengthDataFile {
  graphs: unknown;
  translations: unknown;
  dictionaries: Record<string, RankedDictionaryFile>;
}

/** What this adapter needs of a zxcvbn-ts result. */
interface ZxcvbnResult {
  score: number;
  feedback: { warning: string | null; suggestions: string[] };
}

export interface Estimator {
  check(password: string, userInputs: string[]): ZxcvbnResult;
}

/** One estimate as the service uses it: the prefix zxcvbn-ts judges, its score and its feedback. */
export function judge(estimator: Estimator, password: string, userInputs: readonly string[]): StrengthEstimate {
  const result = estimator.check(Array.from(password).slice(0, ESTIMATED_LENGTH).join(''), [...userInputs]);
  return { score: result.score, warning: result.feedback.warning ?? '', suggestions: result.feedback.suggestions };
}

/** Reads the built data and sets zxcvbn-ts up with it. */
export async function loadEstimator(root = packageRoot(import.meta.dirname)): Promise<Estimator> {
  const { ZxcvbnFactory } = await import('@zxcvbn-ts/core');
  const data = readStrengthData(root);
  const factory = new ZxcvbnFactory({
    graphs: data.graphs as never,
    translations: data.translations as never,
    maxLength: ESTIMATED_LENGTH,
    l33tMaxSubstitutions: L33T_READINGS,
  });
  const ranked: Record<string, Record<string, number>> = {};
  const longest: Record<string, number> = {};
  for (const [name, dictionary] of Object.entries(data.dictionaries)) {
    const lookup = rankedLookup(dictionary);
    ranked[name] = lookup.ranks;
    longest[name] = lookup.longest;
  }
  // In place of the tables zxcvbn-ts builds from a `dictionary` option (see the top of this file).
  const options = (factory as unknown as { options: { rankedDictionaries: unknown; rankedDictionariesMaxWordSize: unknown } }).options;
  options.rankedDictionaries = ranked;
  options.rankedDictionariesMaxWordSize = longest;
  return factory;
}

function readStrengthData(root: string): StrengthDataFile {
  const file = path.join(root, STRENGTH_DATA_FILE);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as StrengthDataFile;
  } catch (error) {
    throw new Error(`the password-strength data ${file} cannot be read (npm run build writes it): ${(error as Error).message}`);
  }
}

/** An object whose property `word` is the word's rank, as zxcvbn-ts reads it, answered by a binary search. */
function rankedLookup(dictionary: RankedDictionaryFile): { ranks: Record<string, number>; longest: number } {
  const words = SortedWords.fromLines(dictionary.words);
  const bytes = Buffer.from(dictionary.ranks, 'base64');
  if (bytes.length !== words.size * 4) throw new Error('the password-strength data does not hold one rank per word; rebuild it (npm run build)');
  const ranks = new Uint32Array(words.size);
  for (let i = 0; i < ranks.length; i++) ranks[i] = bytes.readUInt32LE(i * 4);
  const lookup = new Proxy({} as Record<string, number>, {
    get: (_target, key) => {
      if (typeof key !== 'string') return undefined;
      const index = words.indexOf(key);
      return index === -1 ? undefined : ranks[index];
    },
  });
  return { ranks: lookup, longest: words.longestLength() };
}
