/**
 * Entry point: `node dist/src/main.js [all|server|bridge]` runs both the gRPC server and the
 * bridge (the default), only the server, or only the bridge (calling BRIDGE_GRPC_TARGET);
 * `node dist/src/main.js import-original ...` moves the clients of the original service
 * over (src/cli/import-original/command.ts); `node dist/src/main.js compile` loads the whole
 * bundle and exits, to fill COMPILE_CACHE_DIR (ADR 0025). The composition root is src/bootstrap/start.ts.
 */
// First: the heap policy, which keeps the young generation small while modules load (src/bootstrap/heap-policy.ts).
import './bootstrap/heap-policy-apply.js';
// Then the compile cache, when COMPILE_CACHE_DIR names one: it applies to the modules loaded after it (ADR 0025).
import './bootstrap/compile-cache-apply.js';
import { existsSync } from 'node:fs';
// Then tracing, when asked for, must be running before the libraries it instruments load.
import { tracingStarted } from './observability/tracing/preload.js';

// The bundle of start.js (src/build/bundle.ts, built by `npm run build`) starts faster
// (docs/adr/0004-bundled-start.md); tracing needs the packages unbundled, and a build
// without the bundle (tsc alone) runs unbundled too.
const bundled = new URL('../bundle/start.js', import.meta.url);
// Imported, not a static import: an ES module's static imports are all loaded before its
// body runs, so the tracing hooks above would come too late for them.
await import(!tracingStarted && existsSync(bundled) ? bundled.href : './bootstrap/start.js');
