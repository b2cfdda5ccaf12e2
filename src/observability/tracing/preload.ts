/**
 * Run by src/main.ts before anything else is loaded: starts tracing when the environment
 * asks for it. Without OTEL_* variables nothing of the SDK is loaded, so tracing costs
 * nothing when it is off.
 */
import { register } from 'node:module';
import { tracingConfig } from '../../config/index.js';

const tracing = tracingConfig(process.env);
if (tracing) {
  // An instrumentation patches a library as it is loaded. CommonJS loads are seen by a
  // require hook; ES imports (the service's own, and the packages it imports) only by a
  // loader hook, which must be in place before they are linked. The loader wraps only the
  // modules the instrumentations name, and knows them all before this module returns.
  const { createAddHookMessageChannel } = await import('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  (await import('./open-telemetry.js')).startTracing(tracing);
  await waitForAllMessagesAcknowledged();
}

/** Whether tracing runs: then the service must load its packages unbundled, for the hooks to see them. */
export const tracingStarted = tracing !== null;
