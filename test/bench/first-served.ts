/**
 * The moment a starting main.js first answers GET /me with 200: polled every 2 ms with a
 * session cookie, from before the process is spawned, so the start is timed to its first
 * served request rather than to its health check.
 */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FirstServed {
  /** Waits until served or `timeoutMs` has passed, stops polling, and returns Date.now() at the first 200 (0 if none). */
  until(timeoutMs: number): Promise<number>;
}

/** Starts polling `url`; `onServed` runs once, right after the first 200. */
export function pollFirstServed(url: string, token: string, onServed: () => void = () => {}): FirstServed {
  let servedAt = 0;
  let stop = false;
  const polling = (async () => {
    while (!stop) {
      const status = await fetch(url, { headers: { cookie: `token=${token}` } }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) {
        servedAt = Date.now();
        onServed();
        return;
      }
      await pause(2);
    }
  })();
  return {
    async until(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (servedAt === 0 && Date.now() < deadline) await pause(5);
      stop = true;
      await polling;
      return servedAt;
    },
  };
}
