/** The settings and ports of password reset and email verification, as the use cases see them. */
import type { OneTimeTokenStore } from './one-time-tokens';
import type { Mailer } from './mailer';
import type { RequestLimiter } from './request-limiter';

export interface RecoverySettings {
  passwordReset: boolean;
  emailVerification: boolean;
  /** Login refuses users whose email is not verified (after the password check). */
  requireVerifiedEmail: boolean;
  /** Where the browser reaches the bridge: links in emails start with it (no trailing slash). */
  publicUrl: string;
  resetTokenTtlSeconds: number;
  verificationTokenTtlSeconds: number;
  /** Requests (reset or verification mails) one email, one client IP or one client may make per window. */
  requestLimit: { max: number; windowSeconds: number };
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
