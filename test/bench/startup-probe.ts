/**
 * Preloaded (`node -r`) into a server whose start-up is measured: records when the
 * preload ran (node's own bootstrap is over by then) and how long the process spent in
 * `require` at top level (module loading, lazy loads included), and writes both on
 * stderr at exit as one `startup-probe:` JSON line.
 */
import Module = require('node:module');

const preloadAtMs = performance.timeOrigin + performance.now();
let depth = 0;
let loadingMs = 0;
let enteredAt = 0;
const loader = Module as unknown as { _load: (...args: unknown[]) => unknown };
const load = loader._load;
loader._load = function (this: unknown, ...args: unknown[]) {
  // The main module's own evaluation runs the start-up itself (opening the stores): only
  // the modules it loads count as loading.
  if (args[2] === true) return load.apply(this, args);
  if (depth++ === 0) enteredAt = performance.now();
  try {
    return load.apply(this, args);
  } finally {
    if (--depth === 0) loadingMs += performance.now() - enteredAt;
  }
};

process.on('exit', () => {
  const figures = { processStartMs: performance.timeOrigin, preloadAtMs, loadingMs, modules: Object.keys(require.cache).length };
  process.stderr.write(`startup-probe:${JSON.stringify(figures)}\n`);
});
