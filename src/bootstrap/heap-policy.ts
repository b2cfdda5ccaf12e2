/**
 * How V8's heap is sized in the service process, set as the process starts (by
 * heap-policy-apply.ts, the first module main.js loads), where V8's defaults, made for
 * short scripts and big machines, cost a long-lived service memory it does not use. The
 * measurements behind both settings: docs/adr/0003-heap-policy.md.
 *
 * - **The young generation is held at its first size until the listeners are up.** V8
 *   doubles its young generation (up to 2 × 16 MB on 64-bit Node) each time a scavenge finds
 *   it busy, and loading and wiring the modules is busy enough to take it to the top, for a
 *   start that keeps little of what it allocates. `startupDone()` lets it grow again (V8's
 *   default factor, 2), so under load it grows as V8 would have it: held small for good, it
 *   would cost GetMe and /me much of their throughput.
 * - **The old generation may grow by 30 % of what a full collection kept, not up to 4×.**
 *   Under load every call leaves some objects that outlive two scavenges (its HTTP/2
 *   stream's wrappers among them, which hold the stream's native memory until collected).
 *   With V8's default growth the old generation takes in a great deal of such garbage, and
 *   the native memory behind it, before a full collection runs. Bounded, full collections
 *   run more often under load (their marking mostly on a helper thread) and the peak stays
 *   far lower, at the same throughput within the machine's noise.
 *
 * Each is left alone when the operator sets it (src/config/heap.ts, operatorHeapFlags).
 */
import v8 from 'node:v8';
import type { OperatorHeapFlags } from '../config/heap.js';

/** V8's default `--semi-space-growth-factor`. */
const V8_DEFAULT_GROWTH = 2;
/** `--heap-growing-percent`: after a full collection, the old generation's next limit is 1.3× what it kept. */
const OLD_GENERATION_GROWTH_PERCENT = 30;

/**
 * Process-wide, not module state: the bundled start (src/build/bundle.ts) has its own copy
 * of this module, apart from the one main.js applied the policy with.
 */
const HELD = Symbol.for('client-auth.young-generation-held');
const flags = globalThis as { [HELD]?: boolean };

/** Applies the policy for the start; returns what it set. */
export function applyHeapPolicy(operator: OperatorHeapFlags): { youngGenerationHeld: boolean; oldGenerationBounded: boolean } {
  if (!operator.oldGenerationGrowth) v8.setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
  if (!operator.youngGeneration) {
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    flags[HELD] = true;
  }
  return { youngGenerationHeld: !operator.youngGeneration, oldGenerationBounded: !operator.oldGenerationGrowth };
}

/** Lets the young generation grow again; a no-op when it was not held. */
export function startupDone(): void {
  if (!flags[HELD]) return;
  v8.setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH}`);
  flags[HELD] = false;
}
