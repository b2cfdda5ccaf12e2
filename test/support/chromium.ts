/** Headless Chromium for the browser suites: the system's own build (never a downloaded one), and small pages served beside the bridge. */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { skipOrFailInCI } from './skip-or-fail.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Launches Chromium, or skips (fails in CI) the suite of `ctx` when it is missing; `args` adds switches. */
export async function launchChromium(ctx: Mocha.Context, args: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) skipOrFailInCI(ctx, `${CHROMIUM} is missing (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}

/** Serves one HTML page at every path, on `host`. */
export async function serveHtml(html: () => string, host = '127.0.0.1'): Promise<{ server: Server; origin: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(html());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, origin: `http://${host === '127.0.0.1' ? '127.0.0.1' : host}:${(server.address() as AddressInfo).port}` };
}
