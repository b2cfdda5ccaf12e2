/**
 * Copies the files the hosted pages serve (bridge/views/assets: the stylesheet, scripts)
 * into dist/, where the bridge reads them at start-up (bridge/pages/page-assets.ts), so the
 * image needs dist/ alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAGE_ASSETS_BUILT, PAGE_ASSETS_SOURCE } from '../../bridge/pages/page-assets.js';

/** Copies the assets under `root` (the package root). */
export function copyPageAssets(root: string): void {
  const target = path.join(root, PAGE_ASSETS_BUILT);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(root, PAGE_ASSETS_SOURCE), target, { recursive: true });
}
