/** docs/configuration.md, written from the catalogue of variables (src/config/variable-catalogue.ts). */
import { CONFIGURATION } from '../config/variable-catalogue.js';
import type { VariableDoc } from '../config/variables.js';

export const CONFIGURATION_PAGE = 'docs/configuration.md';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function label(variable: VariableDoc): string {
  return variable.label ?? variable.names.map((name) => `\`${name}\``).join(' / ');
}

export function configurationPage(): string {
  const lines = [
    '# Configuration',
    '',
    '<!-- Written by `npm run docs` from src/config/variables-access.ts and variables-runtime.ts: edit those, not this page (test/drift/docs.test.ts fails when they differ). -->',
    '',
    'Everything is read from the environment, in one place (`src/config/`, whose `index.ts` alone reads',
    'the environment). A bad value stops start-up with a message naming the variable. The',
    "original service's names (`JWT_SECRET_KEY`, `JWT_TOKEN_EXP_MIN`, `DB_HOST`, `DB_PORT`, `DB_USER`,",
    '`DB_PASSWORD`, `DB_NAME`, `REDIS_HOST`, `REDIS_PORT`, `REDIS_PASSWORD`) keep working.',
    '',
    ...CONFIGURATION.map((section) => `- [${section.title}](#${anchor(section.title)})`),
  ];
  for (const section of CONFIGURATION) {
    lines.push('', `## ${section.title}`, '', '| variable | default | what it does |', '|---|---|---|');
    for (const variable of section.variables) lines.push(`| ${cell(label(variable))} | ${cell(variable.default)} | ${cell(variable.description)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** GitHub's anchor of a heading. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{Letter}\p{Number} _-]/gu, '')
    .replaceAll(' ', '-');
}
