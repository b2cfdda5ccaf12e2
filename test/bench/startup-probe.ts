/**
 * Preloaded (`node --import`) into a server whose start-up is measured: records when the
 * preload ran (node's own bootstrap is over by then) and how long the process spent loading
 * CommonJS modules at top level (the npm packages, lazy loads included, whether required or
 * imported: an import of a CommonJS package goes through the same loader; the service's own
 * ES modules are not counted), and writes both on stderr at exit as one `startup-probe:`
 * JSON line.
 */
import Module, { createRequire } from 'node:module';

const preloadAtMs = performance.timeOrigin + performance.now();
let depth = 0;
let loadingMs = 0;
let enteredAt = 0;
const loader = Module as unknown as { _load: (...args: unknown[]) => unknown };
const load = loader._load;
loader._load = function (this: unknown, ...args: unknown[]) {
  if (depth++ === 0) enteredAt = performance.now();
  try {
    return load.apply(this, args);
  } finally {
    if (--depth === 0) loadingMs += performance.now() - enteredAt;
  }
};

process.on('exit', () => {
  const figures = { processStartMs: performance.timeOrigin, preloadAtMs, loadingMs, modules: Object.keys(createRequire(import.meta.url).cache).length };
  process.stderr.write(`startup-probe:${JSON.stringify(figures)}\n`);
});
