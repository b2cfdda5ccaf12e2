/** The variables of tokens, sessions, passwords, cookies, second factors and recovery (see variables.ts). */
import { section, type VariableSection } from './variables.js';

export const ACCESS_VARIABLES: readonly VariableSection[] = [
  section('Tokens and signing keys', [
    {
      names: ['JWT_ALGORITHM'],
      default: '`ES256` (`HS256` when only `JWT_SECRET_KEY` is set)',
      description: 'How access tokens are signed: `ES256` (P-256), `EdDSA` (Ed25519) or `HS256` (the shared secret). See [Signing keys](signing-keys.md).',
    },
    {
      names: ['JWT_SECRET_KEY'],
      default: 'generated (embedded only)',
      description:
        'HS256 signing secret. With HS256 it is required with MongoDB and Redis (every instance must sign alike) and with `NODE_ENV=production`, where it must be at least 32 bytes. Not needed with ES256/EdDSA.',
    },
    {
      names: ['KEY_ENCRYPTION_KEY'],
      default: 'generated (embedded only)',
      description:
        'At least 32 bytes; every instance needs the same one. Encrypts (AES-256-GCM under an HKDF-derived key, one per use) the stored ES256/EdDSA private keys, the TOTP secrets and the login and passkey tickets, and the links of mail waiting in the mail outbox. Required with MongoDB and Redis and with `NODE_ENV=production` when tokens are signed ES256/EdDSA from the store. With HS256 and no `KEY_ENCRYPTION_KEY`, the second-factor secrets and queued mail are sealed with a key derived from `JWT_SECRET_KEY` (or the embedded development secret) and a warning is logged: set it, so a leaked JWT secret does not also open the TOTP secrets. Changing it leaves the stored signing keys unopenable (start-up stops) and every enrolled TOTP secret sealed under the old key: its codes are refused (and an error is logged) until the user logs in with a recovery code and enrols again, or an admin resets it; mail still queued is dropped with a warning.',
    },
    {
      names: ['JWT_PRIVATE_KEY_FILE'],
      default: '—',
      description: 'A PEM private key (P-256 or Ed25519) the operator manages; the service then stores and rotates nothing.',
    },
    {
      names: ['SIGNING_KEY_ROTATION_DAYS'],
      default: '`30`',
      description: 'A stored signing key signs this many days (1–365) before its successor takes over.',
    },
    {
      names: ['SIGNING_KEY_PUBLISH_AHEAD'],
      default: '`1h`',
      description: 'A new key is in the JWKS this long (`90s`, `15m`, `1h`; 1 s to 7 days) before it signs anything.',
    },
    { names: ['JWT_CLOCK_SKEW_SEC'], default: '`30`', description: 'A token whose `iat` lies further in the future is refused (0–300).' },
    { names: ['JWT_TOKEN_EXP_MIN'], default: '`15`', description: 'Access-token lifetime in minutes (1–1440).' },
    { names: ['SERVICE_TOKEN_EXP_MIN'], default: '`15`', description: 'Lifetime of service tokens from `IssueServiceToken`, in minutes.' },
    { names: ['JWT_ISSUER', 'JWT_AUDIENCE'], default: '`client-auth`', description: 'The `iss` and `aud` claims, checked on every validation.' },
  ]),
  section('Sessions', [
    { names: ['REFRESH_TOKEN_EXP_DAYS'], default: '`30`', description: 'Lifetime of a login session (its refresh-token family), in days.' },
    {
      names: ['REFRESH_REUSE_INTERVAL_SEC'],
      default: '`10`',
      description:
        'A retired refresh token used again within this many seconds (0–300) gets the pair its first use got, instead of revoking the session. `0` turns it off.',
    },
  ]),
  section('Passwords and attempt limits', [
    {
      names: ['BCRYPT_COST'],
      default: '`10`',
      description:
        'bcrypt cost (4–15), 10 as the original service stored. Hashes of a lower cost are re-hashed at the next login; raise it as hardware allows, never lower it under stored hashes (docs/security.md).',
    },
    {
      names: ['PASSWORD_HASH'],
      default: '`bcrypt`',
      description:
        'The algorithm new passwords are hashed with: `bcrypt` or `argon2id`. A stored hash is checked with its own algorithm whatever this says; one of the other algorithm is re-hashed at the next successful login. See [Password storage](security.md#password-storage).',
    },
    {
      names: ['ARGON2_MEMORY_KIB', 'ARGON2_ITERATIONS', 'ARGON2_PARALLELISM'],
      default: '`19456` / `2` / `1`',
      description:
        "argon2id's memory in KiB (19456–1048576), passes (2–32) and lanes (1–16), with `PASSWORD_HASH=argon2id`. The defaults, OWASP's minimum, are also the lowest values accepted. Hashes with less of any are re-hashed at the next login.",
    },
    {
      names: ['PASSWORD_MIN_SCORE'],
      default: '`3`',
      description:
        'The score (0–4) of the zxcvbn-ts strength estimator every new password must reach, or INVALID_ARGUMENT / `PASSWORD_TOO_WEAK`; `0` turns the estimator off (the common-password list still applies). See [Passwords](security.md#passwords).',
    },
    {
      names: ['PASSWORD_STRENGTH_IDLE_SEC'],
      default: '`300`',
      description:
        "Seconds (0–86400) the strength estimator's thread may go without an estimate before it is ended, giving back most of the memory it holds; the next password judged waits for a new thread to load its dictionaries (a few tenths of a second). `0` keeps the thread for the life of the process. See [ADR 0024](adr/0024-strength-thread-ends-when-idle.md).",
    },
    {
      names: ['LOGIN_MAX_FAILURES'],
      default: '`10`',
      description:
        "Password guesses one email may take from one client IP in a window (1–1000), and guesses of a signed-in user's current password in ChangePassword; then RESOURCE_EXHAUSTED / `TOO_MANY_ATTEMPTS` (429 on the bridge) until the window ends. See [Attempt limits](security.md#attempt-limits).",
    },
    {
      names: ['LOGIN_FAILURE_WINDOW_MIN'],
      default: '`15`',
      description: "The window of the login limits in minutes (1–1440); it opens at a key's first attempt, and a successful login closes it.",
    },
    {
      names: ['LOGIN_EMAIL_MAX_FAILURES'],
      default: '`30`',
      description:
        'Guesses of one email from all client IPs together in a window; then the email waits `LOGIN_EMAIL_DELAY_SEC`, doubling each time within a day.',
    },
    { names: ['LOGIN_EMAIL_DELAY_SEC', 'LOGIN_EMAIL_MAX_DELAY_MIN'], default: '`60` / `15`', description: 'The first of those delays, and the longest.' },
    {
      names: ['LOGIN_IP_MAX_FAILURES'],
      default: '`100`',
      description: 'Failed password checks (Login, ChangePassword) from one client IP in a window, whatever the email: password spraying.',
    },
    {
      names: ['REGISTER_IP_MAX', 'REGISTER_IP_WINDOW_MIN'],
      default: '`50` / `60`',
      description:
        'Registrations from one client IP per window, successful or not (an office behind one NAT address signing everyone up in an hour stays under it).',
    },
    { names: ['SERVICE_TOKEN_IP_MAX_FAILURES'], default: '`100`', description: 'Failed `IssueServiceToken` calls from one client IP in a login window.' },
    {
      names: ['PASSWORD_ESTIMATE_IP_MAX'],
      default: '`600`',
      description:
        "`EstimatePasswordStrength` calls (the pages' live strength hint, one per pause in typing) from one client IP in an hour; then RESOURCE_EXHAUSTED / `TOO_MANY_ATTEMPTS` (429 on the bridge). Each costs milliseconds of the estimator's thread.",
    },
    {
      names: ['HASH_CONCURRENCY'],
      default: 'CPUs (at most 4)',
      description: "Password hashes computed at once (bcrypt and argon2id run on libuv's 4 threads).",
    },
    {
      names: ['HASH_QUEUE_MAX', 'HASH_QUEUE_WAIT_MS'],
      default: '`100` / `3000`',
      description:
        "Calls that may wait for a hashing slot, and the longest predicted wait; a call that would wait longer, or whose wait and three hashes would pass its deadline (its gRPC deadline, the bridge's `BRIDGE_CALL_TIMEOUT_MS`), is answered at once with RESOURCE_EXHAUSTED / `SERVER_BUSY` (see docs/security.md, Load shedding).",
    },
    {
      names: ['TRUSTED_PROXY_CIDRS'],
      default: 'none',
      description:
        "Comma-separated CIDRs or addresses of the proxies believed about a client's IP: gRPC peers whose `x-client-ip` metadata names it (a bridge run as its own process, `main.js bridge`, even on the same host; a gateway), and, with `BRIDGE_TRUST_PROXY`, the proxies in front of the bridge whose `X-Forwarded-*` it reads. From anyone else the metadata and headers are ignored and the peer's own address counts. The bridge of the same process (role `all`) needs no entry: it proves itself otherwise. Loopback is not listed by default: any local process could name addresses.",
    },
  ]),
  section('Cookies', [
    {
      names: ['COOKIE_SECURE'],
      default: '`true` in production',
      description:
        'Mark cookies `Secure`. When on, `PUBLIC_URL` must be `https://` or on loopback (`localhost`, `127.0.0.0/8`, `[::1]`): browsers keep Secure cookies over nothing else, so any other `http://` `PUBLIC_URL` stops start-up.',
    },
    {
      names: ['COOKIE_HOST_PREFIX'],
      default: '`false`',
      description: 'Name the access cookie `__Host-<name>` and the refresh cookie `__Secure-<name>`; needs `COOKIE_SECURE=true`.',
    },
    {
      names: ['ACCESS_COOKIE_NAME', 'REFRESH_COOKIE_NAME'],
      default: '`token` / `refresh_token`',
      description:
        'Cookie names (the gateway reads `token`): 1 to 64 token characters, different from each other, without a `__Host-`/`__Secure-` prefix (`COOKIE_HOST_PREFIX` adds it).',
    },
  ]),
  section('Second factors', [
    { names: ['TOTP_ISSUER'], default: '`client-auth`', description: 'The issuer an authenticator app shows next to the account.' },
    { names: ['WEBAUTHN_RP_ID'], default: '`localhost`', description: 'The WebAuthn relying party id: the domain passkeys are bound to (e.g. `example.com`).' },
    { names: ['WEBAUTHN_RP_NAME'], default: '`client-auth`', description: 'The name an authenticator shows when a passkey is created.' },
    {
      names: ['WEBAUTHN_ORIGINS'],
      default: 'none (passkeys off)',
      description:
        'Comma-separated page origins a passkey ceremony may come from, each on `WEBAUTHN_RP_ID` or a subdomain of it (e.g. `https://app.example.com`). Empty turns passkeys off (`PASSKEYS_NOT_CONFIGURED`). The hosted sign-in page offers a passkey sign-in when it is set; a bridge run alone needs it set too.',
    },
  ]),
  section('Recovery and mail', [
    {
      names: ['PASSWORD_RESET'],
      default: '`true`',
      description: 'Password reset by email (`RequestPasswordReset`, `ResetPassword`); `false` answers them `FEATURE_DISABLED`.',
    },
    { names: ['PASSWORD_RESET_TTL_MIN'], default: '`30`', description: 'How long a reset link works, in minutes (5–1440).' },
    {
      names: ['EMAIL_VERIFICATION'],
      default: '`true`',
      description:
        'A verification email at registration, `SendEmailVerification` and `VerifyEmail`; `false` answers them `FEATURE_DISABLED` and mails nothing.',
    },
    { names: ['EMAIL_VERIFICATION_TTL_HOURS'], default: '`48`', description: 'How long a verification link works, in hours (1–720).' },
    {
      names: ['REQUIRE_VERIFIED_EMAIL'],
      default: '`false`',
      description:
        'Login refuses a user whose email is not verified with FAILED_PRECONDITION / `EMAIL_NOT_VERIFIED` (after the password check). Needs `EMAIL_VERIFICATION=true`.',
    },
    {
      names: ['EMAIL_VERIFIED_REDIRECT_URL'],
      default: '`<PUBLIC_URL>/`',
      description:
        'Where the verification page\'s "Continue" leads once a link confirmed the address (without the hosted pages, `UI_ENABLED=false`: where `GET /verify-email?token=` sends the browser, 303).',
    },
    {
      names: ['RECOVERY_REQUESTS_MAX'],
      default: '`5`',
      description:
        'Reset requests one email (registered or not), and verification mails one user, may ask for in a window (1–1000); then RESOURCE_EXHAUSTED / `TOO_MANY_ATTEMPTS`.',
    },
    { names: ['RECOVERY_IP_REQUESTS_MAX'], default: '`50`', description: 'Reset requests from one client IP in a window (1–100000), whatever the email.' },
    { names: ['RECOVERY_REQUEST_WINDOW_MIN'], default: '`60`', description: 'The window of both limits, in minutes (1–1440).' },
    {
      names: ['SMTP_URL'],
      default: '—',
      description:
        "The mail server: `smtp://host:port` or `smtps://user:password@host:465` (nodemailer's URL form; query options such as `?pool=true` pass through). Required with `NODE_ENV=production` while `PASSWORD_RESET` or `EMAIL_VERIFICATION` is on: start-up stops without it. Without it (outside production) mail is written to `DATA_DIR/mail/`.",
    },
    {
      names: ['SMTP_FROM'],
      default: '`<PRODUCT_NAME> <no-reply@localhost>`',
      description: 'The sender of every mail; required with `SMTP_URL` in production.',
    },
    { names: ['PRODUCT_NAME'], default: '`client-auth`', description: "The product's name as the emails and the hosted pages say it." },
    {
      names: ['MAIL_MAX_AGE_MIN'],
      default: '`60`',
      description:
        'A mail not sent this long after it was queued (an SMTP outage) is dropped with a warning, since a stale reset link is worse than none (1–10080).',
    },
    {
      names: ['MAIL_RETRY_BASE_MS'],
      default: '`5000`',
      description: 'The wait before the first retry of a mail the SMTP server did not take; each further retry waits twice as long, up to 15 minutes.',
    },
  ]),
  section('Hosted pages', [
    {
      names: ['UI_ENABLED'],
      default: '`true`',
      description:
        'Serve the hosted pages (`/`, `/sign-in`, `/account`, `/sign-out`; see [Hosted pages](ui.md)) from the bridge. `false` leaves the bridge JSON only.',
    },
    {
      names: ['UI_RETURN_TO_ORIGINS'],
      default: 'none',
      description:
        'Comma-separated origins (e.g. `https://app.example.com`) that `?return_to=` may send the browser to after a sign-in; a path on the bridge is always allowed. Anything else lands on `/account`: never an open redirect.',
    },
    {
      names: ['UI_LOGO_URL'],
      default: 'none (the product name alone)',
      description: "The logo in the pages' header: an http(s) URL (its origin joins the pages' `img-src`) or a path on the bridge's origin.",
    },
    {
      names: ['UI_ACCENT_COLOR'],
      default: '`#1d70b8`',
      description:
        'The accent of buttons, links and focus rings, `#rgb` or `#rrggbb`. The text on it is black or white, whichever contrasts more; links fall back to the text colour where the accent would be too faint.',
    },
  ]),
];
