/**
 * Run by `npm run build` (and `build:test`) after tsc: bundles the composition root for a
 * fast start (bundle.ts), writes the common-password list (password-list.ts) and the
 * strength estimator's dictionaries (strength-dictionaries.ts), and copies the pages'
 * stylesheet and scripts (copy-page-assets.ts), all into dist/.
 */
import path from 'node:path';
import { bundle } from './bundle.js';
import { copyPageAssets } from './copy-page-assets.js';
import { writePasswordList } from './password-list.js';
import { writeStrengthData } from './strength-dictionaries.js';

const dist = path.resolve(import.meta.dirname, '..', '..');
writePasswordList(path.dirname(dist));
writeStrengthData(path.dirname(dist));
copyPageAssets(path.dirname(dist));
await bundle(dist);
