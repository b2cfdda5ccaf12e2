/**
 * The variables of the hosted pages (bridge/routes/page-routes.ts): whether they are served,
 * where a sign-in may send the browser back to, and the brand they show. Read by
 * `loadConfig` (src/config/index.ts), which owns the environment.
 */
import { ConfigError, type Reader } from './reader.js';
import type { RecoveryConfig } from './recovery.js';

export interface UiConfig {
  readonly enabled: boolean;
  /** Origins `?return_to=` may name after a sign-in; anything else lands on /account. */
  readonly returnToOrigins: readonly string[];
  /** PRODUCT_NAME, which the mails say too. */
  readonly productName: string;
  /** An http(s) URL, or a path on the bridge's origin; null: the product name stands alone. */
  readonly logoUrl: string | null;
  /** `#rrggbb`, lower case: the pages' stylesheet is built with it (bridge/pages/brand.ts). */
  readonly accentColor: string;
  /**
   * PASSWORD_RESET and EMAIL_VERIFICATION, as the service reads them: the pages offer a
   * way to a reset only when there is one, and say a verification mail was sent only when
   * one was. (A bridge run apart from the service reads the same variables.)
   */
  readonly passwordReset: boolean;
  readonly emailVerification: boolean;
  /**
   * Whether the sign-in page offers a passkey without a password: true when this
   * process's WEBAUTHN_ORIGINS names any origin (a bridge run alone needs it set too).
   * A passkey as the second step is offered whenever the login challenge names one.
   */
  readonly passkeys: boolean;
}

const DEFAULT_ACCENT = '#1d70b8';

export function uiFrom(read: Reader, recovery: RecoveryConfig, passkeys: boolean): UiConfig {
  return {
    enabled: read.bool('UI_ENABLED', true),
    returnToOrigins: read.list('UI_RETURN_TO_ORIGINS').map(returnOrigin),
    productName: recovery.productName,
    logoUrl: logoUrl(read.optional('UI_LOGO_URL')),
    accentColor: hexColour(read.string('UI_ACCENT_COLOR', DEFAULT_ACCENT)),
    passwordReset: recovery.passwordReset,
    emailVerification: recovery.emailVerification,
    passkeys,
  };
}

function returnOrigin(origin: string): string {
  const parsed = URL.canParse(origin) ? new URL(origin) : null;
  if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== origin) {
    throw new ConfigError(`UI_RETURN_TO_ORIGINS entries must be bare http(s) origins like https://app.example.com; got "${origin}"`);
  }
  return origin;
}

function logoUrl(value: string | null): string | null {
  if (value === null) return null;
  // A path on the bridge's own origin, or an absolute http(s) URL without credentials;
  // `//host` would leave the scheme to the page and is refused as ambiguous.
  if (/^\/(?![/\\])[^\s\\]*$/.test(value)) return value;
  const parsed = URL.canParse(value) ? new URL(value) : null;
  if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username !== '' || parsed.password !== '') {
    throw new ConfigError(`UI_LOGO_URL must be an http(s) URL or a path starting with / on the bridge; got "${value}"`);
  }
  return parsed.href;
}

/** `#rgb` or `#rrggbb`, as `#rrggbb` in lower case; nothing else, since it goes into the stylesheet. */
function hexColour(value: string): string {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!match) throw new ConfigError(`UI_ACCENT_COLOR must be a hex colour like #1d70b8 or #17b; got "${value}"`);
  const digits = match[1]!.toLowerCase();
  return `#${digits.length === 3 ? [...digits].map((digit) => digit + digit).join('') : digits}`;
}
