/**
 * The qualities of the console's operations sections in Chromium, on both set-ups, measured
 * as the hosted pages' are (test/support/page-quality.ts): every state of
 * console-operation-states.ts (service clients, a secret shown once, the audit log, the
 * signing keys, the deletion requests; English and German) has no accessibility violation
 * axe-core finds, light and dark; on the embedded set-up each is weighed (under 50 KB with
 * its CSS and script), fits 320 px, and is photographed at 1280 and 375 px into docs/ui/
 * for docs/ui.md. The walk through these sections is part of the console's (console.test.ts).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { type PageStack, startPageStack } from '../support/page-fixture.js';
import { expectNoAxeViolations, measureAndPhotograph, reachAndRead, WIDTHS } from '../support/page-quality.js';
import { SETUP_TITLES, SETUPS } from '../support/server.js';
import { CONSOLE_OPERATION_STATES } from './console-operation-states.js';

const KEY_ENCRYPTION_KEY = 'a-key-encryption-key-of-at-least-32-bytes!';

for (const setup of SETUPS)
  describe(`The console's operations sections in Chromium: accessibility${setup === 'embedded' ? ', weight and screenshots' : ''}, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(120000);
    let stack: PageStack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let url: string;

    before(async function () {
      browser = await launchChromium(this);
      // Stored keys, so the signing keys page shows a key set and its rotation.
      stack = await startPageStack(setup, this, 'console_ops_quality', { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY });
      url = stack.bridge.url;
      // Script on, for axe (bypassCSP lets its injected script run under the pages' policy).
      context = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: { 'X-Request-Id': 'f00d-cafe' } });
      page = await context.newPage();
    });
    after(async () => {
      await context?.close();
      await browser?.close();
      await stack?.close();
    });

    for (const state of CONSOLE_OPERATION_STATES) {
      it(`finds no accessibility violation on ${state.name}, light or dark`, async () => {
        await context.clearCookies();
        await state.reach(page, url, stack, undefined as never);
        await expectNoAxeViolations(page, state.name);
      });

      if (setup !== 'embedded') continue;

      it(`keeps ${state.name} under 50 KB, fits it in 320 px, and photographs it at ${WIDTHS.join(' and ')} px, light and dark`, async () => {
        await context.clearCookies();
        const html = await reachAndRead(page, url, state.name, () => state.reach(page, url, stack, undefined as never));
        await measureAndPhotograph(page, url, state.name, html, state.mask);
      });
    }
  });
