/** The password-strength estimator's thread (src/adapters/password-lists/zxcvbn-strength.ts); read by `loadConfig` (index.ts). */
import type { Reader } from './reader.js';

export interface StrengthThreadConfig {
  /** How long the thread may go without an estimate before it is ended; 0 keeps it for the life of the process. */
  readonly idleMs: number;
}

export function strengthThreadFrom(read: Reader): StrengthThreadConfig {
  return { idleMs: read.int('PASSWORD_STRENGTH_IDLE_SEC', 300, 0, 86_400) * 1000 };
}
