import { describeError } from '../domain/kernel/error-text.js';
import type { Logger } from '../domain/kernel/logger.js';

/**
 * Runs `attempt` until it succeeds or `timeoutMs` has passed, waiting 200 ms, 400 ms, ...
 * (at most 2 s) between tries and logging each wait, so an operator sees what start-up
 * waits for. `attempt` gets how long one try may take: never more than half of what is
 * left, so there is time for another. The last failure ends up in the thrown message.
 * `logFields` go on every line; a `role` among them also names the connection in the message.
 */
export async function connectWithBackoff<T>(
  what: string,
  timeoutMs: number,
  log: Logger,
  attempt: (attemptTimeoutMs: number) => Promise<T>,
  logFields: { role?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 200;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(Math.max(250, Math.min(2000, (deadline - Date.now()) / 2)));
    } catch (error) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`${what}${role(logFields)} did not answer within ${timeoutMs} ms: ${describeError(error)}`);
      const retryInMs = Math.min(delay, remaining);
      log.info({ ...logFields, attempt: attemptNumber, retryInMs, err: describeError(error) }, `waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
      delay = Math.min(delay * 2, 2000);
    }
  }
}

function role(fields: { role?: string }): string {
  return fields.role ? ` (${fields.role})` : '';
}
