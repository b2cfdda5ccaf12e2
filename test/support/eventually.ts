/** The one polling helper of the tests: asks again until the answer is the awaited one. */

export interface PollOptions<T> {
  /** When the answer is the awaited one; by default when it is truthy. */
  until?: (value: T) => boolean;
  /** How long to keep asking (5000 ms). */
  timeoutMs?: number;
  /** Pause between two questions (20 ms; 0 asks again as soon as the event loop lets it). */
  intervalMs?: number;
  /** What is awaited, for the timeout message; a function is read only when it is needed. */
  what?: string | (() => string);
}

/**
 * Calls `probe` until `until` holds of its answer and returns that answer. A probe that
 * throws ends the wait with its error; on timeout the error names what was awaited and
 * the last answer.
 */
export function eventually<T>(probe: () => T | Promise<T>, options?: Omit<PollOptions<T>, 'until'>): Promise<NonNullable<T>>;
export function eventually<T>(probe: () => T | Promise<T>, options: PollOptions<T>): Promise<T>;
export async function eventually<T>(probe: () => T | Promise<T>, options: PollOptions<T> = {}): Promise<T> {
  const until = options.until ?? ((value: T) => Boolean(value));
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (until(value)) return value;
    if (Date.now() > deadline) {
      const what = typeof options.what === 'function' ? options.what() : (options.what ?? 'a condition');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the last answer was ${describe(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
