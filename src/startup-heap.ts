/**
 * The young generation while the service starts. V8 doubles its young generation (up to
 * 2 × 16 MB on 64-bit Node) each time a scavenge finds it busy, and loading and wiring the
 * modules is busy enough to take it to the top: some 20 MB of the resident memory at ready,
 * for a start that keeps little of what it allocates. So the start runs with that growth
 * off (a growth factor of 1), and `startupDone()` turns it back on (V8's default factor, 2)
 * once the listeners are up, so that under load the young generation grows as before.
 *
 * Left alone when the operator sizes the young generation (config.ts,
 * youngGenerationSizedByOperator). Held by src/startup-heap-hold.ts, before the other
 * modules load.
 */
import v8 from 'node:v8';

/** V8's default `--semi-space-growth-factor`. */
const V8_DEFAULT_GROWTH = 2;
/**
 * Process-wide, not module state: the bundled start (src/build/bundle.ts) has its own copy
 * of this module, apart from the one main.js held the young generation with.
 */
const HELD = Symbol.for('client-auth.young-generation-held');
const flags = globalThis as { [HELD]?: boolean };

/** Stops the young generation from growing, unless the operator sized it; true when held. */
export function holdYoungGeneration(sizedByOperator: boolean): boolean {
  if (sizedByOperator) return false;
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  flags[HELD] = true;
  return true;
}

/** Lets the young generation grow again; a no-op when it was not held. */
export function startupDone(): void {
  if (!flags[HELD]) return;
  v8.setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH}`);
  flags[HELD] = false;
}
