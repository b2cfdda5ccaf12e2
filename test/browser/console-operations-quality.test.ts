/**
 * The console's operations sections in Chromium, on both set-ups. The walk: an admin
 * registers a service, copies its secret with the copy button (the console's one script,
 * run under the pages' CSP), and the service obtains a token with it; the admin then filters
 * the audit log to what the walk did and exports it, and the downloaded JSON Lines hold
 * exactly those events. The qualities: every state of console-operation-states.ts has no
 * accessibility violation axe-core finds (light and dark, English and German); on the
 * embedded set-up each is weighed (under 50 KB with its CSS and script), fits 320 px, and
 * is photographed at 1280 and 375 px into docs/ui/ for docs/ui.md.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { ADMIN, PASSWORD, type PageStack, type PageState, registerPerson, startPageStack } from '../support/page-fixture.js';
import { repoRoot } from '../support/paths.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';
import { CONSOLE_OPERATION_STATES } from './console-operation-states.js';

const AXE = join(repoRoot(), 'node_modules/axe-core/axe.min.js');
const SCREENSHOTS = join(repoRoot(), 'docs/ui');
const MAX_PAGE_BYTES = 50 * 1024;
const WIDTHS = [1280, 375] as const;
const SCHEMES = ['light', 'dark'] as const;
const KEY_ENCRYPTION_KEY = 'a-key-encryption-key-of-at-least-32-bytes!';

for (const setup of SETUPS)
  describe(`The console's operations sections in Chromium, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(180000);
    let stack: PageStack & { url: string };
    let browser: Browser;

    before(async function () {
      browser = await launchChromium(this);
      const started = await startPageStack(setup, this, 'console_ops_browser', { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY });
      stack = { ...started, url: started.bridge.url };
    });
    after(async () => {
      await browser?.close();
      await stack?.close();
    });

    it('registers a service whose copied secret obtains a token, then filters the audit log to it and exports exactly those events', async () => {
      const person = await registerPerson(stack.server, 'Grace', 'Walker');
      const { accessToken } = await stack.server.api.login(ADMIN);
      await stack.server.api.setClientGroups({ clientId: person.id, groups: ['admin'] }, { token: accessToken });
      // No bypassCSP here: the copy button must work under the pages' own policy.
      const context = await browser.newContext({ acceptDownloads: true });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
      const page = await context.newPage();
      const blocked: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
      });
      try {
        await page.goto(`${stack.url}/sign-in?return_to=${encodeURIComponent('/admin/services')}`);
        await page.getByLabel('Email address').fill(person.email);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL(`${stack.url}/admin/services`);

        await page.getByLabel('Name', { exact: true }).fill('Walk service');
        await page.getByLabel('Contact email', { exact: true }).fill(`walk.${Date.now()}@example.org`);
        await page.getByRole('button', { name: 'Register' }).click();
        await page.getByRole('heading', { name: 'Service client registered' }).waitFor();
        const serviceId = (await page.locator('#service-client-id').textContent())!;
        const shown = await page.locator('#client-secret').inputValue();
        await page.getByRole('button', { name: 'Copy the secret' }).click();
        await page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        expect(copied).to.equal(shown);
        expect(blocked).to.deep.equal([]);

        // The service, elsewhere, with what was copied.
        const { accessToken: serviceToken } = await stack.server.api.issueServiceToken({ clientId: serviceId, clientSecret: copied });
        expect((await stack.server.api.validateToken({ token: serviceToken })).clientId).to.equal(serviceId);
        await stack.server.app.audit.flush();

        await page.goto(`${stack.url}/admin/audit`);
        await page.getByLabel('Target client id').fill(serviceId);
        await page.getByRole('button', { name: 'Show' }).click();
        const rows = page.locator('.data-table tbody tr');
        await expect(await rows.count()).to.equal(2);
        expect(await rows.nth(0).textContent()).to.contain('service_token.issued');
        expect(await rows.nth(1).textContent())
          .to.contain('service.registered')
          .and.contain(person.id);

        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export these events (JSON Lines)' }).click()]);
        expect(download.suggestedFilename()).to.match(/^audit-events-.+\.jsonl$/);
        const lines = readFileSync((await download.path())!, 'utf8')
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line));
        expect(lines.map((line) => [line.type, line.outcome, line.actor_id, line.target_client_id])).to.deep.equal([
          ['service_token.issued', 'success', serviceId, serviceId],
          ['service.registered', 'success', person.id, serviceId],
        ]);
        expect(JSON.stringify(lines)).to.not.contain(copied);
      } finally {
        await context.close();
      }
    });

    describe('each state', () => {
      let context: BrowserContext;
      let page: Page;
      before(async () => {
        // Script on, for axe (bypassCSP lets its injected script run under the pages' policy).
        context = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: { 'X-Request-Id': 'f00d-cafe' } });
        page = await context.newPage();
      });
      after(async () => context?.close());

      for (const state of CONSOLE_OPERATION_STATES) {
        it(`finds no accessibility violation on ${state.name}, light or dark`, async () => {
          await context.clearCookies();
          await state.reach(page, stack.url, stack, undefined as never);
          await page.addScriptTag({ path: AXE });
          for (const colorScheme of SCHEMES) {
            await page.emulateMedia({ colorScheme });
            const violations = await page.evaluate(async () => {
              const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
              return result.violations.map((violation: any) => `${violation.id}: ${violation.nodes.map((node: any) => node.target.join(' ')).join(', ')}`);
            });
            expect(violations, `${state.name} (${colorScheme})`).to.deep.equal([]);
          }
        });

        if (setup !== 'embedded') continue;

        it(`keeps ${state.name} under 50 KB, fits it in 320 px, and photographs it at ${WIDTHS.join(' and ')} px, light and dark`, async () => {
          await context.clearCookies();
          const html = await reachAndRead(page, state, stack);
          const assets = [...html.matchAll(/<(?:link rel="stylesheet" href|script src)="([^"]+)"/g)].map((match) => match[1]!);
          const assetBytes = await Promise.all(assets.map(async (href) => (await (await fetch(`${stack.url}${href}`)).arrayBuffer()).byteLength));
          const htmlBytes = Buffer.byteLength(html);
          const total = htmlBytes + assetBytes.reduce((sum, bytes) => sum + bytes, 0);
          console.log(
            `      page weight ${state.name}: ${kb(total)} (HTML ${kb(htmlBytes)}, CSS and script ${kb(total - htmlBytes)}), limit ${kb(MAX_PAGE_BYTES)}`,
          );
          expect(total).to.be.below(MAX_PAGE_BYTES);
          mkdirSync(SCREENSHOTS, { recursive: true });
          for (const width of WIDTHS) {
            await page.setViewportSize({ width, height: width > 600 ? 800 : 740 });
            for (const colorScheme of SCHEMES) {
              await page.emulateMedia({ colorScheme });
              await page.screenshot({
                path: join(SCREENSHOTS, `${state.name}-${width}-${colorScheme}.png`),
                fullPage: true,
                animations: 'disabled',
                mask: (state.mask ?? []).map((selector) => page.locator(selector)),
                maskColor: '#b1b4b6',
              });
            }
          }
          await page.setViewportSize({ width: 320, height: 640 });
          expect(await page.evaluate(() => document.documentElement.scrollWidth), `${state.name} at 320 px`).to.be.at.most(320);
          await page.setViewportSize({ width: 1280, height: 720 });
        });
      }
    });
  });

/** Brings the page to the state and returns the HTML the bridge sent for it (the last document, after any 303). */
async function reachAndRead(page: Page, state: PageState, stack: PageStack & { url: string }): Promise<string> {
  const documents: Response[] = [];
  const record = (response: Response) => {
    if (response.request().resourceType() === 'document' && response.url().startsWith(stack.url)) documents.push(response);
  };
  page.on('response', record);
  try {
    await state.reach(page, stack.url, stack, undefined as never);
    await page.waitForLoadState('load');
  } finally {
    page.off('response', record);
  }
  const shown = documents.at(-1);
  if (!shown || shown.status() === 303) throw new Error(`no page was shown for ${state.name}`);
  return shown.text();
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
