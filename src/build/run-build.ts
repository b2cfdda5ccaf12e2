/**
 * Run by `npm run build` (and `build:test`) after tsc: bundles the composition root for a
 * fast start (bundle.ts) and writes the common-password list (password-list.ts), both into
 * dist/.
 */
import path from 'node:path';
import { bundle } from './bundle.js';
import { writePasswordList } from './password-list.js';

const dist = path.resolve(import.meta.dirname, '..', '..');
writePasswordList(path.dirname(dist));
await bundle(dist);
