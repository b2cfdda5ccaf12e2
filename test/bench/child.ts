/**
 * The protocol between the benchmark runner and the processes it starts: a child says
 * it is ready (with what the runner needs, such as its port) over the IPC channel, and
 * ends itself when the channel closes, so nothing outlives the runner, however it ends.
 */

/** Tells the runner this process is ready. */
export function announce(message: Record<string, unknown>): void {
  if (!process.send) throw new Error('this script is started by test/bench/run.js, over an IPC channel');
  process.send(message);
}

/** Runs `stop` (bounded) and exits when the runner goes away or asks this process to stop. */
export function stopWithRunner(stop: () => Promise<void>, graceMs = 5000): void {
  let stopping = false;
  const end = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), graceMs).unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('disconnect', end);
  process.on('SIGTERM', end);
  process.on('SIGINT', end);
}

/** Calls `run` in batches for the warm-up and then the measured time; calls per second. */
export function rate(run: () => unknown, warmUpSeconds: number, seconds: number): number {
  const batch = 50;
  const warmUntil = performance.now() + warmUpSeconds * 1000;
  while (performance.now() < warmUntil) for (let i = 0; i < batch; i++) run();
  const started = performance.now();
  const until = started + seconds * 1000;
  let count = 0;
  while (performance.now() < until) {
    for (let i = 0; i < batch; i++) run();
    count += batch;
  }
  return count / ((performance.now() - started) / 1000);
}

/**
 * As `rate`, for a call that may answer with a promise, as the hot path's callers await it:
 * `inFlight` loops each await their call before making the next, as the concurrent calls
 * of a server do. A call that answers at once costs its await here too, as in the server.
 */
export async function rateAwaited(run: () => unknown, warmUpSeconds: number, seconds: number, inFlight = 8): Promise<number> {
  const batch = 50;
  const loop = async (until: number) => {
    let count = 0;
    while (performance.now() < until) {
      for (let i = 0; i < batch; i++) await run();
      count += batch;
    }
    return count;
  };
  const warmUntil = performance.now() + warmUpSeconds * 1000;
  await Promise.all(Array.from({ length: inFlight }, () => loop(warmUntil)));
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: inFlight }, () => loop(started + seconds * 1000)));
  return counts.reduce((sum, count) => sum + count, 0) / ((performance.now() - started) / 1000);
}
