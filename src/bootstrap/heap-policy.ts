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
 *   default factor, 2), but to 2 × 8 MB, not V8's 2 × 16: held at its first size for good,
 *   it would cost GetMe and /me much of their throughput; at 2 × 8 MB a call's few dozen KB
 *   still die young, and the resident memory under load is lower (ADR 0017). V8 cannot change
 *   its ceiling once started, so the policy watches each collection and stops the growth
 *   (factor 1) while the young generation is at 2 × 8 MB, lets it grow again (factor 2)
 *   if V8 has shrunk it.
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
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { OperatorHeapFlags } from '../config/heap.js';

/** V8's default `--semi-space-growth-factor`. */
const V8_DEFAULT_GROWTH = 2;
/** The young generation's ceiling under load, both semi-spaces: 2 × 8 MB. */
const YOUNG_GENERATION_CEILING_BYTES = 16 * 1024 * 1024;
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

/** Lets the young generation grow again, up to its ceiling; a no-op when it was not held. */
export function startupDone(): void {
  if (!flags[HELD]) return;
  flags[HELD] = false;
  let growth = 0;
  const steer = () => {
    const wanted = youngGenerationBytes() >= YOUNG_GENERATION_CEILING_BYTES ? 1 : V8_DEFAULT_GROWTH;
    if (wanted === growth) return;
    v8.setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
    growth = wanted;
  };
  steer();
  // V8 grows the young generation only at a collection, so looking after each one is enough.
  new PerformanceObserver(steer).observe({ entryTypes: ['gc'] });
}

function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
