/**
 * The young generation while the service starts. V8 doubles its young generation (up to
 * 2 × 16 MB on 64-bit Node) each time a scavenge finds it busy, and loading and wiring the
 * modules is busy enough to take it to the top: some 20 MB of the resident memory at ready,
 * for a start that keeps little of what it allocates. So the start runs with that growth
 * off (a growth factor of 1), and `startupDone()` turns it back on (V8's default factor, 2)
 * once the listeners are up, so that under load the young generation grows as before.
 *
 * Left alone when the command line or NODE_OPTIONS sizes the young generation itself.
 * Imported first by src/main.ts, before the other modules load.
 */
import v8 from 'node:v8';

/** V8's default `--semi-space-growth-factor`. */
const V8_DEFAULT_GROWTH = 2;
const OPERATOR_FLAGS = /--(max-|min-)?semi-space-(size|growth-factor)|--max-new-space-size/;

const operatorSizes = [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((arg) => OPERATOR_FLAGS.test(arg.replaceAll('_', '-')));
let holding = false;

/** Stops the young generation from growing; the process's first modules call this. */
export function holdYoungGeneration(): boolean {
  if (operatorSizes || holding) return holding;
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  holding = true;
  return true;
}

/** Lets the young generation grow again; a no-op when it was not held. */
export function startupDone(): void {
  if (!holding) return;
  v8.setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH}`);
  holding = false;
}
