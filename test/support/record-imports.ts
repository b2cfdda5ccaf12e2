/**
 * Module loader hooks registered by test/support/report-packages.ts: tells it the URL of
 * every module loaded through the ES module loader (the service's own modules and the
 * packages they import), which `require.cache` does not list when they are ES modules.
 */
import type { MessagePort } from 'node:worker_threads';

let port: MessagePort | undefined;

export function initialize(data: { port: MessagePort }): void {
  port = data.port;
}

export async function load(url: string, context: unknown, nextLoad: (url: string, context: unknown) => Promise<unknown>): Promise<unknown> {
  port?.postMessage(url);
  return nextLoad(url, context);
}
