/** The settings and ports of password reset and email verification, as the use cases see them. */
import type { OneTimeTokenStore } from './one-time-tokens.js';
import type { Mailer } from './mailer.js';
import type { RequestLimiter } from './request-limiter.js';

export interface RecoverySettings {
  passwordReset: boolean;
  emailVerification: boolean;
  /** Login refuses users whose email is not verified (after the password check). */
  requireVerifiedEmail: boolean;
  /** Where the browser reaches the bridge: links in emails start with it (no trailing slash). */
  publicUrl: string;
  resetTokenTtlSeconds: number;
  verificationTokenTtlSeconds: number;
  /**
   * Requests for a reset or verification mail: `max` per email (or signed-in client) and
   * `maxPerIp` per client IP (many people may share one address), per window.
   */
  requestLimit: { max: number; maxPerIp: number; windowSeconds: number };
  /** The product's name, as the emails call it. */
  productName: string;
}

/** What the recovery use cases need besides the common ports. */
export interface Recovery {
  settings: RecoverySettings;
  tokens: OneTimeTokenStore;
  mailer: Mailer;
  limiter: RequestLimiter;
}
