/**
 * The admin console's variables (docs/console.md); read by `loadConfig`
 * (src/config/index.ts), which owns the environment.
 */
import type { Reader } from './reader.js';

export interface AdminConsoleConfig {
  /** ADMIN_REAUTH_MIN in seconds: an admin's state-changing action needs a sign-in this recent. */
  readonly reauthSeconds: number;
}

/** At most a working day: past it the re-authentication would protect nothing. */
const REAUTH_MAX_MIN = 8 * 60;

export function adminConsoleFrom(read: Reader): AdminConsoleConfig {
  return { reauthSeconds: read.int('ADMIN_REAUTH_MIN', 15, 1, REAUTH_MAX_MIN) * 60 };
}
