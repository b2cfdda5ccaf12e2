/**
 * The ASVS matrix (docs/security/asvs.md) read as data, and what is wrong with it: a
 * requirement left out or rated twice, a level or status that is not the standard's, a
 * "met" without a test, a "not met" without the issue it needs, and a cited test whose
 * file or title no longer exists.
 *
 * A row starts with the requirement's id in bold: `| **6.2.1** text | 1 | met | evidence |`.
 * The evidence of a "met" row cites tests, one per `<br>`-separated line, each exactly as
 * `[short path](../../test/<path>.test.ts) "the title inside its it(...)"`.
 */

export const STATUSES = ['met', 'not applicable', 'not met'] as const;
export type Status = (typeof STATUSES)[number];

export interface CitedTest {
  /** The test file, from the repository's root: `test/unit/...test.ts`. */
  file: string;
  title: string;
}

export interface MatrixRow {
  id: string;
  level: string;
  status: string;
  evidence: string;
  tests: CitedTest[];
  /** Evidence lines that point at a test but are not written as a citation. */
  malformed: string[];
}

const ROW = /^\|\s*\*\*(\d+\.\d+\.\d+)\*\*/;
const ID = /^\*\*(\d+\.\d+\.\d+)\*\*/;
const TEST_LINK = /\]\(\.\.\/\.\.\/test\//;
const CITATION = /^\[[^\]]+\]\(\.\.\/\.\.\/(test\/[^)\s]+\.test\.ts)\) "(.*)"$/;
const SUMMARY_ROW = /^\|\s*(V\d+|all)\b[^|]*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*$/;

/** The cells of a Markdown table row; `\|` inside a cell is a `|` of its text. */
function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replaceAll('\\|', '|'));
}

/** Every requirement row of the matrix, in the order written. */
export function matrixRows(markdown: string): MatrixRow[] {
  return markdown
    .split('\n')
    .filter((line) => ROW.test(line))
    .map((line) => {
      const [requirement = '', level = '', status = '', evidence = ''] = cellsOf(line);
      const tests: CitedTest[] = [];
      const malformed: string[] = [];
      for (const part of evidence.split(/<br\s*\/?>/)) {
        const citation = CITATION.exec(part.trim());
        if (citation) tests.push({ file: citation[1]!, title: citation[2]! });
        else if (TEST_LINK.test(part)) malformed.push(part.trim());
      }
      return { id: ID.exec(requirement)![1]!, level, status, evidence, tests, malformed };
    });
}

/**
 * Whether `source` holds a test of that title: `it(` and the title in one of the three
 * quotes, as written (a template's `${...}` included). A `\'` of the source reads as `'`.
 */
export function definesTest(source: string, title: string): boolean {
  const unescaped = source.replaceAll("\\'", "'").replace(/\bit\(\s+/g, 'it(');
  return ["'", '"', '`'].some((quote) => unescaped.includes(`it(${quote}${title}${quote}`));
}

/**
 * What is wrong with the matrix, one line each. `required` is every requirement it must
 * rate, by id, with its level; `read` gives a file of the repository, or null when there
 * is none.
 */
export function matrixProblems(markdown: string, required: Readonly<Record<string, number>>, read: (file: string) => string | null): string[] {
  const rows = matrixRows(markdown);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) seen.set(row.id, (seen.get(row.id) ?? 0) + 1);
  for (const id of Object.keys(required)) if (!seen.has(id)) problems.push(`${id}: missing`);
  for (const [id, count] of seen) {
    if (!(id in required)) problems.push(`${id}: not a level 1 or 2 requirement of these chapters`);
    if (count > 1) problems.push(`${id}: rated ${count} times`);
  }
  for (const row of rows) {
    const where = row.id;
    if (row.id in required && row.level !== String(required[row.id])) problems.push(`${where}: level ${row.level}, the standard says ${required[row.id]}`);
    if (!(STATUSES as readonly string[]).includes(row.status)) problems.push(`${where}: status "${row.status}" is none of ${STATUSES.join(', ')}`);
    if (row.status === 'met' && row.tests.length === 0) problems.push(`${where}: met, but no test is cited`);
    if (row.status !== 'met' && row.evidence === '') problems.push(`${where}: ${row.status}, but no reason is given`);
    if (row.status === 'not met' && !/\bissue\b/.test(row.evidence)) problems.push(`${where}: not met, but no issue is named`);
    for (const line of row.malformed) problems.push(`${where}: a test cited otherwise than [path](../../test/...test.ts) "title": ${line}`);
    for (const { file, title } of row.tests) {
      const source = read(file);
      if (source === null) problems.push(`${where}: ${file} does not exist`);
      else if (!definesTest(source, title)) problems.push(`${where}: ${file} has no it(...) titled "${title}"`);
    }
  }
  return problems;
}

/** The chapter of a requirement id: `6.2.1` is V6. */
const chapterOf = (id: string) => `V${id.split('.')[0]}`;

/**
 * Where the summary table (`| V6 ... | met | not applicable | not met | total |`, then
 * `| all ... |`) disagrees with the rows.
 */
export function summaryProblems(markdown: string): string[] {
  const rows = matrixRows(markdown);
  const counted = new Map<string, number[]>();
  const add = (key: string, row: MatrixRow) => {
    const counts = counted.get(key) ?? [0, 0, 0, 0];
    const index = (STATUSES as readonly string[]).indexOf(row.status);
    if (index >= 0) counts[index]! += 1;
    counts[3]! += 1;
    counted.set(key, counts);
  };
  for (const row of rows) {
    add(chapterOf(row.id), row);
    add('all', row);
  }
  const stated = new Map<string, number[]>();
  for (const line of markdown.split('\n')) {
    const match = SUMMARY_ROW.exec(line);
    if (match) stated.set(match[1]!, match.slice(2, 6).map(Number));
  }
  const problems: string[] = [];
  for (const [key, counts] of counted) {
    const summary = stated.get(key);
    if (summary === undefined) problems.push(`the summary has no row for ${key}`);
    else if (summary.join() !== counts.join())
      problems.push(`the summary says ${key} is ${summary.join('/')}, the rows ${counts.join('/')} (met/not applicable/not met/total)`);
  }
  return problems;
}
