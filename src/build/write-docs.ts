/** Run by `npm run docs`: writes the pages generated from the code (configuration, errors). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIGURATION_PAGE, configurationPage } from './config-page.js';
import { ERRORS_PAGE, errorsPage } from './errors-page.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
for (const [page, text] of [
  [CONFIGURATION_PAGE, configurationPage()],
  [ERRORS_PAGE, errorsPage()],
] as const) {
  writeFileSync(path.join(root, page), text);
  console.log(`wrote ${page}`);
}
