/**
 * Copies the files the hosted pages serve (bridge/views/assets: the stylesheet, scripts)
 * into dist/, where the bridge reads them at start-up (bridge/pages/page-assets.ts), so the
 * image needs dist/ alone. Scripts of packages the pages load as they are (the WebAuthn
 * helpers of @simplewebauthn/browser) are copied beside them, with their licence on top.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAGE_ASSETS_BUILT, PAGE_ASSETS_SOURCE } from '../../bridge/pages/page-assets.js';

/** A package's own browser build, served under `name`: where it lies and the licence file that goes with it (both from the package root). */
interface VendoredAsset {
  name: string;
  file: string;
  licence: string;
}

/**
 * @simplewebauthn/browser's UMD bundle (it defines `SimpleWebAuthnBrowser`), the browser
 * half of the @simplewebauthn/server the service verifies with; why it is served rather
 * than rewritten: docs/ui.md#passkeys.
 */
export const VENDORED_PAGE_ASSETS: readonly VendoredAsset[] = [
  {
    name: 'simplewebauthn-browser.js',
    file: path.join('node_modules', '@simplewebauthn', 'browser', 'dist', 'bundle', 'index.umd.min.js'),
    licence: path.join('node_modules', '@simplewebauthn', 'browser', 'LICENSE.md'),
  },
];

/** Copies the assets under `root` (the package root). */
export function copyPageAssets(root: string): void {
  const target = path.join(root, PAGE_ASSETS_BUILT);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(root, PAGE_ASSETS_SOURCE), target, { recursive: true });
  for (const asset of VENDORED_PAGE_ASSETS) {
    const licence = fs.readFileSync(path.join(root, asset.licence), 'utf8').trim();
    if (licence.includes('*/')) throw new Error(`${asset.licence} cannot go into a comment`);
    fs.writeFileSync(path.join(target, asset.name), `/*!\n${licence}\n*/\n${fs.readFileSync(path.join(root, asset.file), 'utf8')}`);
  }
}
