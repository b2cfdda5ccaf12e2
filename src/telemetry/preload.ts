/**
 * Imported first by src/main.ts: starts tracing when the environment asks for it, before
 * the libraries it instruments are loaded. Without OTEL_* variables nothing of the SDK is
 * loaded, so tracing costs nothing when it is off.
 */
import { tracingConfig } from '../config.js';

const tracing = tracingConfig(process.env);
// A require, not an import, so the SDK is loaded only on this path.
if (tracing) (require('./sdk') as typeof import('./sdk.js')).startTracing(tracing);
