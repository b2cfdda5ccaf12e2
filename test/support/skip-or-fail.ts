/**
 * The one rule for a test that cannot run here: with CI=true it fails, so CI never passes
 * by skipping; elsewhere it is skipped with the reason printed.
 */

export function isCI(): boolean {
  return process.env['CI'] === 'true';
}

/**
 * Fails (CI) or skips (elsewhere) the calling test or suite, saying why. Call from a
 * `before`/`it` with `this` (a regular function, not an arrow function).
 */
export function skipOrFailInCI(ctx: Mocha.Context, reason: string): never {
  const runnable = ctx.test;
  const isHook = (runnable as { type?: string } | undefined)?.type === 'hook';
  const title = (isHook ? runnable?.parent?.fullTitle() : runnable?.fullTitle()) ?? '';
  if (isCI()) throw new Error(`"${title}" cannot run in CI: ${reason}`);
  console.log(`    skipping "${title}": ${reason}`);
  ctx.skip();
}
