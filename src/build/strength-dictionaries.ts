/**
 * Writes the strength estimator's data (src/adapters/password-lists/zxcvbn-strength.ts):
 * zxcvbn-ts's dictionaries, each as its distinct words in code-unit order with the rank
 * zxcvbn gives each (its position in the package's list, the last one where a word comes
 * twice, as zxcvbn-ts builds its own tables), and the keyboard graphs and English feedback.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type RankedDictionaryFile, STRENGTH_DATA_FILE, type StrengthDataFile } from '../adapters/password-lists/zxcvbn-estimator.js';
import { estimatorData } from './zxcvbn-dictionaries.js';

function rankedDictionary(list: (string | number)[]): RankedDictionaryFile {
  const ranks = new Map<string, number>();
  list.forEach((word, index) => {
    if (String(word) !== '') ranks.set(String(word), index + 1);
  });
  // The default sort orders by UTF-16 code units, as the adapter's lookups compare.
  const words = [...ranks.keys()].sort();
  const rankBytes = Buffer.alloc(words.length * 4);
  words.forEach((word, index) => {
    rankBytes.writeUInt32LE(ranks.get(word)!, index * 4);
  });
  return { words: words.join('\n'), ranks: rankBytes.toString('base64') };
}

/** Writes the data under `root` (the package root). */
export function writeStrengthData(root: string): void {
  const data = estimatorData();
  const dictionaries: Record<string, RankedDictionaryFile> = {};
  for (const [name, list] of Object.entries(data.dictionary)) dictionaries[name] = rankedDictionary(list);
  const content: StrengthDataFile = { graphs: data.graphs, translations: data.translations, dictionaries };
  const file = path.join(root, STRENGTH_DATA_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, asciiJson(content));
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * JSON with every character above U+007F escaped: the thread reads the file as one string,
 * which V8 holds at two bytes a character if a single one is above U+00FF, and at one
 * byte when the text is ASCII (the figures: docs/benchmarks.md, issue #33).
 * The parsed words are the same.
 */
function asciiJson(content: StrengthDataFile): string {
  return JSON.stringify(content).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
