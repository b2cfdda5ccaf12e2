/** The variables of second factors: the key that seals their secrets, the TOTP issuer, and the WebAuthn relying party. */
import { ConfigError, type Reader } from './reader.js';

export interface SecondFactorConfig {
  /** Seals TOTP secrets and login tickets; null: derived from the JWT secret (a warning is logged). */
  readonly keyEncryptionKey: string | null;
  readonly totpIssuer: string;
  readonly webauthn: { readonly rpId: string; readonly rpName: string; readonly origins: readonly string[] };
}

const MIN_KEY_ENCRYPTION_KEY_BYTES = 32;
const DOMAIN_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export function secondFactorFrom(read: Reader): SecondFactorConfig {
  const keyEncryptionKey = read.optional('KEY_ENCRYPTION_KEY');
  if (keyEncryptionKey !== null && Buffer.byteLength(keyEncryptionKey, 'utf8') < MIN_KEY_ENCRYPTION_KEY_BYTES) {
    throw new ConfigError(`KEY_ENCRYPTION_KEY must be at least ${MIN_KEY_ENCRYPTION_KEY_BYTES} bytes`);
  }
  const rpId = read.string('WEBAUTHN_RP_ID', 'localhost').toLowerCase();
  if (!DOMAIN_NAME.test(rpId)) throw new ConfigError(`WEBAUTHN_RP_ID must be a domain name like example.com (no scheme or port); got "${rpId}"`);
  const origins = read.list('WEBAUTHN_ORIGINS').map((origin) => {
    const host = URL.canParse(origin) && new URL(origin).origin === origin ? new URL(origin).hostname : null;
    if (host === null) throw new ConfigError(`WEBAUTHN_ORIGINS entries must be bare origins (scheme://host[:port]); got "${origin}"`);
    // A browser refuses a ceremony whose page is not on the relying party's domain; say so at start-up instead.
    if (host !== rpId && !host.endsWith(`.${rpId}`)) {
      throw new ConfigError(`WEBAUTHN_ORIGINS entries must be on WEBAUTHN_RP_ID (${rpId}) or a subdomain of it; got "${origin}"`);
    }
    return origin;
  });
  return {
    keyEncryptionKey,
    totpIssuer: read.string('TOTP_ISSUER', 'client-auth'),
    webauthn: { rpId, rpName: read.string('WEBAUTHN_RP_NAME', 'client-auth'), origins },
  };
}
