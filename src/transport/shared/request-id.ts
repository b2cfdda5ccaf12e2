/**
 * Request ids: taken from the caller when sane, so logs of the bridge and the server line
 * up, and made up otherwise. Both transports use this one rule.
 */
import { randomUUID } from 'node:crypto';

/** Short enough for a log line, and no character that could forge one. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The given id when it is a string of the accepted shape, else a new UUID. */
export function requestIdFrom(given: unknown): string {
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}
