/**
 * The ASVS matrix cannot drift from the tests it cites: every level 1 and 2 requirement of
 * ASVS 5.0's chapters V6 to V9 is rated once, and each test named as evidence still exists
 * under that title.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { matrixProblems, summaryProblems } from '../support/asvs-matrix.js';
import { repoRoot } from '../support/paths.js';

const root = repoRoot();
const MATRIX = 'docs/security/asvs.md';
const readFile = (file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : null);
const matrix = () => {
  const text = readFile(MATRIX);
  if (text === null) throw new Error(`${MATRIX} is missing`);
  return text;
};

/**
 * Every requirement of levels 1 and 2 in ASVS 5.0.0's V6 Authentication, V7 Session
 * Management, V8 Authorization and V9 Self-contained Tokens, with its level, as OWASP's
 * repository lists them (5.0/en/0x15-V6-Authentication.md to 0x18-V9-Self-contained-Tokens.md).
 */
// biome-ignore format: one line per section of the standard
const LEVEL_1_AND_2: Readonly<Record<string, number>> = {
  '6.1.1': 1, '6.1.2': 2, '6.1.3': 2,
  '6.2.1': 1, '6.2.2': 1, '6.2.3': 1, '6.2.4': 1, '6.2.5': 1, '6.2.6': 1, '6.2.7': 1, '6.2.8': 1, '6.2.9': 2, '6.2.10': 2, '6.2.11': 2, '6.2.12': 2,
  '6.3.1': 1, '6.3.2': 1, '6.3.3': 2, '6.3.4': 2,
  '6.4.1': 1, '6.4.2': 1, '6.4.3': 2, '6.4.4': 2,
  '6.5.1': 2, '6.5.2': 2, '6.5.3': 2, '6.5.4': 2, '6.5.5': 2,
  '6.6.1': 2, '6.6.2': 2, '6.6.3': 2,
  '6.8.1': 2, '6.8.2': 2, '6.8.3': 2, '6.8.4': 2,
  '7.1.1': 2, '7.1.2': 2, '7.1.3': 2,
  '7.2.1': 1, '7.2.2': 1, '7.2.3': 1, '7.2.4': 1,
  '7.3.1': 2, '7.3.2': 2,
  '7.4.1': 1, '7.4.2': 1, '7.4.3': 2, '7.4.4': 2, '7.4.5': 2,
  '7.5.1': 2, '7.5.2': 2,
  '7.6.1': 2, '7.6.2': 2,
  '8.1.1': 1, '8.1.2': 2,
  '8.2.1': 1, '8.2.2': 1, '8.2.3': 2,
  '8.3.1': 1,
  '8.4.1': 2,
  '9.1.1': 1, '9.1.2': 1, '9.1.3': 1,
  '9.2.1': 1, '9.2.2': 2, '9.2.3': 2, '9.2.4': 2,
};

describe(`The ASVS matrix (${MATRIX})`, () => {
  it('rates each of the 67 level 1 and 2 requirements of V6 to V9 once, and every test it cites exists under that title', () => {
    expect(Object.keys(LEVEL_1_AND_2)).to.have.length(67);
    expect(matrixProblems(matrix(), LEVEL_1_AND_2, readFile)).to.deep.equal([]);
  });

  it('counts in its summary what its rows say', () => {
    expect(summaryProblems(matrix())).to.deep.equal([]);
  });

  it('would report a cited test that no longer exists, a cited file that does not, a requirement left out and one rated twice', () => {
    const source = [
      "it('keeps what it says', () => {});",
      "it(\n  'spans lines, and it\\'s escaped', () => {});",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source of a test whose title is a template
      'it(`names ${thing} as written`, () => {});',
    ].join('\n');
    const files: Record<string, string> = { 'test/unit/a.test.ts': source };
    const planted = [
      '| requirement | level | status | evidence |',
      '|---|---|---|---|',
      '| **1.1.1** kept | 1 | met | [unit/a](../../test/unit/a.test.ts) "keeps what it says"<br>[unit/a](../../test/unit/a.test.ts) "spans lines, and it\'s escaped" |',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a title is cited as its template is written
      '| **1.1.2** renamed | 2 | met | [unit/a](../../test/unit/a.test.ts) "names ${thing} as written"<br>[unit/a](../../test/unit/a.test.ts) "says what it no longer says" |',
      '| **1.1.2** again | 2 | not met | nothing |',
      '| **1.1.4** gone | 1 | met | [unit/b](../../test/unit/b.test.ts) "was here" |',
      '| **1.1.5** loose | 1 | met | see [unit/a](../../test/unit/a.test.ts) |',
      '| **1.1.6** skipped | 2 | not applicable | why not |',
    ].join('\n');
    const required = { '1.1.1': 1, '1.1.2': 2, '1.1.3': 1, '1.1.4': 1, '1.1.5': 1, '1.1.6': 1 };
    expect(matrixProblems(planted, required, (file) => files[file] ?? null)).to.deep.equal([
      '1.1.3: missing',
      '1.1.2: rated 2 times',
      '1.1.2: test/unit/a.test.ts has no it(...) titled "says what it no longer says"',
      '1.1.2: not met, but no issue is named',
      '1.1.4: test/unit/b.test.ts does not exist',
      '1.1.5: met, but no test is cited',
      '1.1.5: a test cited otherwise than [path](../../test/...test.ts) "title": see [unit/a](../../test/unit/a.test.ts)',
      '1.1.6: level 2, the standard says 1',
    ]);
    expect(summaryProblems(`| V1 x | 1 | 0 | 1 | 2 |\n| all | 1 | 0 | 1 | 2 |\n${planted}`)).to.deep.equal([
      'the summary says V1 is 1/0/1/2, the rows 4/1/1/6 (met/not applicable/not met/total)',
      'the summary says all is 1/0/1/2, the rows 4/1/1/6 (met/not applicable/not met/total)',
    ]);
  });
});
