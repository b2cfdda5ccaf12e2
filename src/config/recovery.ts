/**
 * The variables of password reset, email verification and mail; read by `loadConfig`
 * (src/config/index.ts), which owns the environment.
 */
import { isIPv4 } from 'node:net';
import * as path from 'node:path';
import { ConfigError, type Reader } from './reader.js';

export interface RecoveryConfig {
  readonly passwordReset: boolean;
  readonly emailVerification: boolean;
  readonly requireVerifiedEmail: boolean;
  /** Where browsers reach the bridge; links in emails start with it. No trailing slash. */
  readonly publicUrl: string;
  readonly resetTokenTtlSeconds: number;
  readonly verificationTokenTtlSeconds: number;
  readonly requestLimit: { readonly max: number; readonly maxPerIp: number; readonly windowSeconds: number };
  readonly productName: string;
}

/** Where mail goes: an SMTP server, or (without SMTP_URL, outside production) .eml files. */
export type MailConfig = {
  readonly from: string;
  readonly maxAgeSeconds: number;
  readonly retryBaseMs: number;
} & ({ readonly kind: 'smtp'; readonly url: string } | { readonly kind: 'files'; readonly directory: string });

export function recoveryFrom(read: Reader, bridgePort: number): RecoveryConfig {
  const emailVerification = read.bool('EMAIL_VERIFICATION', true);
  const requireVerifiedEmail = read.bool('REQUIRE_VERIFIED_EMAIL', false);
  if (requireVerifiedEmail && !emailVerification) {
    throw new ConfigError('REQUIRE_VERIFIED_EMAIL=true needs EMAIL_VERIFICATION=true: nobody could ever log in');
  }
  return {
    passwordReset: read.bool('PASSWORD_RESET', true),
    emailVerification,
    requireVerifiedEmail,
    publicUrl: httpUrl('PUBLIC_URL', read.string('PUBLIC_URL', `http://localhost:${bridgePort || 8000}`)).replace(/\/+$/, ''),
    resetTokenTtlSeconds: read.int('PASSWORD_RESET_TTL_MIN', 30, 5, 24 * 60) * 60,
    verificationTokenTtlSeconds: read.int('EMAIL_VERIFICATION_TTL_HOURS', 48, 1, 30 * 24) * 3600,
    requestLimit: {
      max: read.int('RECOVERY_REQUESTS_MAX', 5, 1, 1000),
      maxPerIp: read.int('RECOVERY_IP_REQUESTS_MAX', 50, 1, 100000),
      windowSeconds: read.int('RECOVERY_REQUEST_WINDOW_MIN', 60, 1, 24 * 60) * 60,
    },
    productName: read.string('PRODUCT_NAME', 'client-auth'),
  };
}

/** Where the verification page leads once a link confirmed the address (without the pages: where GET /verify-email?token= redirects). */
export function verifiedRedirectFrom(read: Reader, recovery: RecoveryConfig): string {
  return httpUrl('EMAIL_VERIFIED_REDIRECT_URL', read.string('EMAIL_VERIFIED_REDIRECT_URL', `${recovery.publicUrl}/`));
}

export function mailFrom(read: Reader, recovery: RecoveryConfig, production: boolean): MailConfig {
  const url = read.optional('SMTP_URL');
  const common = {
    from: read.string('SMTP_FROM', `${recovery.productName} <no-reply@localhost>`),
    maxAgeSeconds: read.int('MAIL_MAX_AGE_MIN', 60, 1, 7 * 24 * 60) * 60,
    retryBaseMs: read.int('MAIL_RETRY_BASE_MS', 5000, 10, 600000),
  };
  if (url !== null) {
    if (!/^smtps?:\/\/[^/]/.test(url)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://, e.g. smtps://user:password@mail.example.com');
    if (production && read.optional('SMTP_FROM') === null) throw new ConfigError('SMTP_FROM is required with SMTP_URL when NODE_ENV=production');
    return { ...common, kind: 'smtp', url };
  }
  if (production && (recovery.passwordReset || recovery.emailVerification)) {
    throw new ConfigError(
      'SMTP_URL is required when NODE_ENV=production while PASSWORD_RESET or EMAIL_VERIFICATION is on; ' +
        'set it, or switch both off with PASSWORD_RESET=false EMAIL_VERIFICATION=false',
    );
  }
  return { ...common, kind: 'files', directory: path.resolve(read.string('DATA_DIR', './data'), 'mail') };
}

/**
 * Secure cookies reach the bridge only over https, or on loopback, which browsers treat as
 * a secure context: with COOKIE_SECURE on, an http PUBLIC_URL elsewhere would start, and
 * then no browser there would ever keep a cookie (every login would seem to forget itself).
 */
export function checkCookiePolicy(publicUrl: string, cookieSecure: boolean): void {
  const { protocol, hostname } = new URL(publicUrl);
  if (!cookieSecure || protocol !== 'http:' || isLoopback(hostname)) return;
  throw new ConfigError(
    `PUBLIC_URL=${publicUrl} is http, but COOKIE_SECURE is on (the default when NODE_ENV=production): browsers keep Secure cookies ` +
      'only over https or on localhost, so nobody could stay signed in. Serve the bridge over https and set PUBLIC_URL=https://..., ' +
      'or, on a trusted network only, set COOKIE_SECURE=false',
  );
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || (isIPv4(hostname) && hostname.startsWith('127.'));
}

function httpUrl(name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL; got "${value}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL; got "${value}"`);
  if (parsed.search !== '' || parsed.hash !== '') throw new ConfigError(`${name} must have no query or fragment; got "${value}"`);
  return value;
}
