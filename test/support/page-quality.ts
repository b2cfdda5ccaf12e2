/**
 * What the page-quality suites measure, shared by test/browser/page-quality.test.ts (the
 * hosted pages) and console-quality.test.ts (the admin console): axe-core's violations in
 * light and dark, the page's weight (HTML with its CSS and script, before compression)
 * under 50 KB, no sideways scrolling at 320 px, and the screenshots at 1280 and 375 px,
 * light and dark, written to docs/ui/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page, Response } from 'playwright-core';
import { repoRoot } from './paths.js';

export const AXE = join(repoRoot(), 'node_modules/axe-core/axe.min.js');
export const SCREENSHOTS = join(repoRoot(), 'docs/ui');
export const MAX_PAGE_BYTES = 50 * 1024;
export const WIDTHS = [1280, 375] as const;
export const SCHEMES = ['light', 'dark'] as const;

/** Runs axe-core on the page as it is, light and dark; expects no violation. */
export async function expectNoAxeViolations(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    const violations = await page.evaluate(async () => {
      const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((violation: any) => `${violation.id}: ${violation.nodes.map((node: any) => node.target.join(' ')).join(', ')}`);
    });
    expect(violations, `${name} (${colorScheme})`).to.deep.equal([]);
  }
}

/** Brings the page to a state with `reach` and returns the HTML the bridge sent for it (the last document, after any 303). */
export async function reachAndRead(page: Page, url: string, name: string, reach: () => Promise<void>): Promise<string> {
  const documents: Response[] = [];
  const record = (response: Response) => {
    if (response.request().resourceType() === 'document' && response.url().startsWith(url)) documents.push(response);
  };
  page.on('response', record);
  try {
    await reach();
    await page.waitForLoadState('load');
  } finally {
    page.off('response', record);
  }
  const shown = documents.at(-1);
  if (!shown || shown.status() === 303) throw new Error(`no page was shown for ${name}`);
  return shown.text();
}

/**
 * The page's weight (printed, and under MAX_PAGE_BYTES), its screenshots into docs/ui/
 * (`mask`: selectors of what differs at every run), and no sideways scrolling at 320 px.
 */
export async function measureAndPhotograph(page: Page, url: string, name: string, html: string, mask: readonly string[] = []): Promise<void> {
  const assets = [...html.matchAll(/<(?:link rel="stylesheet" href|script src)="([^"]+)"/g)].map((match) => match[1]!);
  const assetBytes = await Promise.all(assets.map(async (href) => (await (await fetch(`${url}${href}`)).arrayBuffer()).byteLength));
  const htmlBytes = Buffer.byteLength(html);
  const total = htmlBytes + assetBytes.reduce((sum, bytes) => sum + bytes, 0);
  console.log(`      page weight ${name}: ${kb(total)} (HTML ${kb(htmlBytes)}, CSS and script ${kb(total - htmlBytes)}), limit ${kb(MAX_PAGE_BYTES)}`);
  expect(total).to.be.below(MAX_PAGE_BYTES);
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width > 600 ? 800 : 740 });
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({
        path: join(SCREENSHOTS, `${name}-${width}-${colorScheme}.png`),
        fullPage: true,
        animations: 'disabled',
        mask: mask.map((selector) => page.locator(selector)),
        maskColor: '#b1b4b6',
      });
    }
  }
  // From 320 px on, nothing scrolls sideways.
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at 320 px`).to.be.at.most(320);
  await page.setViewportSize({ width: 1280, height: 720 });
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
