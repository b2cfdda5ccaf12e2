import { Secret, TOTP } from 'otpauth';
import type { TotpCodes } from '../../domain/second-factor/ports.js';

const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** 160 bits, the size RFC 4226 recommends for an HMAC-SHA-1 key. */
const SECRET_BYTES = 20;
const CODE = /^\d{6}$/;

/** TOTP codes with the `otpauth` package, in the form every authenticator app reads. */
export class OtpauthTotpCodes implements TotpCodes {
  newSecret(): string {
    return new Secret({ size: SECRET_BYTES }).base32;
  }

  uri(secret: string, issuer: string, account: string): string {
    return totpOf(secret, issuer, account).toString();
  }

  stepOf(secret: string, code: string, now: number, drift: number): number | null {
    if (!CODE.test(code)) return null;
    const delta = totpOf(secret, '', '').validate({ token: code, timestamp: now, window: drift });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  }
}

function totpOf(secret: string, issuer: string, label: string): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: DIGITS, period: PERIOD_SECONDS });
}
