import type { Env } from './reader.js';

/** Which parts of V8's heap sizing the operator set on the command line or in NODE_OPTIONS. */
export interface OperatorHeapFlags {
  /** `--max-semi-space-size`, `--min-semi-space-size`, `--semi-space-growth-factor` or `--max-new-space-size`. */
  youngGeneration: boolean;
  /** `--heap-growing-percent`. */
  oldGenerationGrowth: boolean;
}

/**
 * What the operator set of V8's heap sizing, which the service's own policy
 * (src/bootstrap/heap-policy.ts) then leaves alone. Called by src/bootstrap/heap-policy-apply.ts, the first
 * module main.js loads, before loadConfig. Its own file beside index.ts, as the other
 * parts of the configuration are, since it is read before the configuration is.
 */
export function operatorHeapFlags(env: Env, execArgv: readonly string[]): OperatorHeapFlags {
  const given = [...execArgv, env['NODE_OPTIONS'] ?? ''].map((arg) => arg.replaceAll('_', '-'));
  const set = (flag: RegExp) => given.some((arg) => flag.test(arg));
  return {
    youngGeneration: set(/--(max-|min-)?semi-space-(size|growth-factor)\b|--max-new-space-size\b/),
    oldGenerationGrowth: set(/--heap-growing-percent\b/),
  };
}
