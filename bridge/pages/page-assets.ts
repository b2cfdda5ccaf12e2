/**
 * The files the pages load: the stylesheet (and, later, scripts such as the passkey
 * ceremony), from bridge/views/assets/, which the build copies into dist/. Each is read
 * once at start-up and served at a name that carries a hash of its content, so browsers may
 * keep it for a year and still see a new version at once. Only files of that folder are
 * served; nothing from the request names a file on disk.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Context } from 'koa';
import { packageRoot } from '../../src/adapters/package-root.js';
import type { UiConfig } from '../../src/config/index.js';
import { brandColours } from './brand.js';

/** Where the asset sources live, and where the build puts them (both from the package root). */
export const PAGE_ASSETS_SOURCE = path.join('bridge', 'views', 'assets');
export const PAGE_ASSETS_BUILT = path.join('dist', 'bridge', 'views', 'assets');
/** The URL prefix of every asset. */
export const ASSET_PREFIX = '/assets/';

const TYPES: Readonly<Record<string, string>> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  href: string;
  type: string;
  body: Buffer;
}

export class PageAssets {
  private readonly byName = new Map<string, Asset>();
  private readonly byHref = new Map<string, Asset>();

  /** Reads every asset of `dir`; the stylesheet gets the brand colours of `ui` appended. */
  constructor(ui: Pick<UiConfig, 'accentColor'>, dir = path.join(packageRoot(import.meta.dirname), PAGE_ASSETS_BUILT)) {
    for (const name of readdirSync(dir).sort()) {
      const extension = path.extname(name);
      const type = TYPES[extension];
      if (type === undefined) continue;
      let body = readFileSync(path.join(dir, name));
      if (name === 'pages.css') body = Buffer.concat([body, Buffer.from(brandRules(ui.accentColor))]);
      const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
      const asset = { href: `${ASSET_PREFIX}${path.basename(name, extension)}.${hash}${extension}`, type, body };
      this.byName.set(name, asset);
      this.byHref.set(asset.href, asset);
    }
    if (!this.byName.has('pages.css')) throw new Error(`the pages' stylesheet is missing from ${dir}; run the build`);
  }

  /** The URL of an asset by its file name ('pages.css'). */
  href(name: string): string {
    const asset = this.byName.get(name);
    if (asset === undefined) throw new Error(`no page asset ${name}`);
    return asset.href;
  }

  /** Answers a GET of an asset's URL; false when the path is no asset's. */
  serve(ctx: Context): boolean {
    const asset = this.byHref.get(ctx.path);
    if (asset === undefined) return false;
    ctx.set('Cache-Control', IMMUTABLE);
    ctx.type = asset.type;
    ctx.body = asset.body;
    return true;
  }
}

/** The configured accent and what follows from it, as custom properties after the stylesheet's defaults. */
function brandRules(accent: string): string {
  const colours = brandColours(accent);
  return (
    `\n:root{--accent:${colours.accent};--on-accent:${colours.onAccent};--link:${colours.linkLight}}\n` +
    `@media (prefers-color-scheme: dark){:root{--link:${colours.linkDark}}}\n`
  );
}
