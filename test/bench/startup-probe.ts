/**
 * Preloaded (`node --import`) into a server whose start-up is measured: records when the
 * preload ran (node's own bootstrap is over by then) and how long the process spent loading
 * CommonJS modules at top level (the npm packages, lazy loads included, whether required or
 * imported: an import of a CommonJS package goes through the same loader; the service's own
 * ES modules are not counted), and writes both on stderr at exit as one `startup-probe:`
 * JSON line, with the memory at exit by part (process.memoryUsage, V8's heap spaces).
 */
import Module, { createRequire } from 'node:module';
import { getHeapSpaceStatistics } from 'node:v8';

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
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  // Where the resident memory is at exit (a cold start is stopped right after its first answer): V8's spaces by size, and what lies outside the heap.
  const memory = {
    rss: mb(rss),
    heapTotal: mb(heapTotal),
    heapUsed: mb(heapUsed),
    external: mb(external),
    arrayBuffers: mb(arrayBuffers),
    spaces: Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, mb(space.space_used_size)])),
  };
  const figures = { processStartMs: performance.timeOrigin, preloadAtMs, loadingMs, modules: Object.keys(createRequire(import.meta.url).cache).length, memory };
  process.stderr.write(`startup-probe:${JSON.stringify(figures)}\n`);
});
