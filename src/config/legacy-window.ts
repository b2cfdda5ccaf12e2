/**
 * LEGACY_TOKENS_UNTIL, read by src/config/index.ts: until when tokens of the original service
 * are accepted. A migration aid, so its window is short and explicit.
 */
import { ConfigError } from './reader.js';

const LEGACY_WINDOW_MAX_DAYS = 30;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The end of the window, or null when `raw` is unset; `secret` is JWT_SECRET_KEY, which verifies the original's tokens. */
export function legacyWindowFrom(raw: string | null, secret: string | null, now: number = Date.now()): Date | null {
  if (raw === null) return null;
  const until = new Date(raw);
  // Date rolls 2026-02-30 over into March; a date that does not exist is a typo, not a wish.
  if (!ISO_DATE.test(raw) || Number.isNaN(until.getTime()) || !dayExists(raw.slice(0, 10))) {
    throw new ConfigError(`LEGACY_TOKENS_UNTIL must be an ISO 8601 date such as 2026-12-31 or 2026-12-31T18:00:00Z; got "${raw}"`);
  }
  if (until.getTime() > now + LEGACY_WINDOW_MAX_DAYS * 24 * 3600 * 1000) {
    throw new ConfigError(`LEGACY_TOKENS_UNTIL must be at most ${LEGACY_WINDOW_MAX_DAYS} days ahead; got "${raw}"`);
  }
  if (secret === null) throw new ConfigError("LEGACY_TOKENS_UNTIL needs JWT_SECRET_KEY: the original service's tokens are verified with it");
  return until;
}

function dayExists(day: string): boolean {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return month >= 1 && month <= 12 && new Date(Date.UTC(year, month - 1, date)).getUTCDate() === date;
}
