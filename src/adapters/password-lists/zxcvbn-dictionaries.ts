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
 * the module cache and their arrays can be collected. `require`, as in load-adapters.ts,
 * because the build emits CommonJS.
 */
export function commonPasswordWords(): string[] {
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
  const ofPackages = (file: string) => PACKAGES.some((name) => file.includes(`/node_modules/${name}/`));
  for (const file of Object.keys(require.cache)) if (ofPackages(file)) delete require.cache[file];
  module.children = module.children.filter((child) => !ofPackages(child.filename));
  return words;
}
