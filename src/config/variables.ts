/**
 * Every environment variable the service reads, with its default and what it does: the
 * source of docs/configuration.md (`npm run docs` writes it; test/drift/docs.test.ts fails
 * when the page differs, or when a variable read in src/config/ is missing here or one
 * listed here is no longer read). The rules themselves (parsing, ranges, the checks between
 * variables) live in the readers beside this file; this says them in words.
 */

/** One row of the page: the variables it documents (shown together), their default, and what they do (Markdown). */
export interface VariableDoc {
  readonly names: readonly string[];
  /** Variables the description names that are read too (the original service's names, the rest of a family). */
  readonly alsoReads?: readonly string[];
  /** The first column as shown, when it says more than the names. */
  readonly label?: string;
  readonly default: string;
  readonly description: string;
}

export interface VariableSection {
  readonly title: string;
  readonly variables: readonly VariableDoc[];
}

function section(title: string, variables: readonly VariableDoc[]): VariableSection {
  return { title, variables };
}

export const CONFIGURATION: readonly VariableSection[] = [
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
        'At least 32 bytes; every instance needs the same one. Encrypts (AES-256-GCM under an HKDF-derived key) the stored ES256/EdDSA private keys, and the TOTP secrets and the login and passkey tickets. Required with MongoDB and Redis and with `NODE_ENV=production` when tokens are signed ES256/EdDSA from the store. With HS256 and no `KEY_ENCRYPTION_KEY`, the second-factor secrets are sealed with a key derived from `JWT_SECRET_KEY` (or the embedded development secret) and a warning is logged: set it, so a leaked JWT secret does not also open the TOTP secrets. Changing it leaves the stored signing keys unopenable (start-up stops) and every enrolled TOTP secret sealed under the old key: its codes are refused (and an error is logged) until the user logs in with a recovery code and enrols again, or an admin resets it.',
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
    { names: ['BCRYPT_COST'], default: '`12`', description: 'bcrypt cost (4–15). Hashes of a lower cost are re-hashed at the next login.' },
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
    { names: ['HASH_CONCURRENCY'], default: 'CPUs (at most 4)', description: "Password hashes computed at once (bcrypt runs on libuv's 4 threads)." },
    {
      names: ['HASH_QUEUE_MAX', 'HASH_QUEUE_WAIT_MS'],
      default: '`100` / `3000`',
      description:
        'Calls that may wait for a hashing slot, and the longest wait (under `BRIDGE_CALL_TIMEOUT_MS`, so an admitted login still answers in time); a call predicted to wait longer is answered at once with RESOURCE_EXHAUSTED / `SERVER_BUSY`.',
    },
    {
      names: ['TRUSTED_PROXY_CIDRS'],
      default: '`127.0.0.0/8,::1/128`',
      description:
        "Peers whose `x-client-ip` metadata names the client IP (the bridge, a gateway); from any other peer the metadata is ignored and the peer's own address counts.",
    },
  ]),
  section('Stores', [
    {
      names: ['MONGODB_URI'],
      alsoReads: ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD'],
      default: '—',
      description:
        'MongoDB connection string. Or build it from `DB_HOST`, `DB_PORT` (`27017`), `DB_USER`, `DB_PASSWORD`. Configure MongoDB and Redis both (the shared set-up) or neither (the embedded one): one without the other stops start-up.',
    },
    { names: ['DB_NAME'], default: '`client_auth`', description: 'MongoDB database name.' },
    {
      names: ['REDIS_URL'],
      alsoReads: ['REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD'],
      default: '—',
      description: 'Redis URL. Or build it from `REDIS_HOST`, `REDIS_PORT` (`6379`), `REDIS_PASSWORD`.',
    },
    {
      names: ['REDIS_SENTINELS'],
      default: '—',
      description:
        'Instead of `REDIS_URL`: the sentinels of a Sentinel set-up, `host:port,...` (port `26379` by default); needs `REDIS_SENTINEL_NAME`. See [Redis Sentinel and Cluster](gateways.md#redis-sentinel-and-cluster).',
    },
    { names: ['REDIS_SENTINEL_NAME'], default: '—', description: "The master's name in the sentinels' `sentinel monitor <name> ...`." },
    {
      names: ['REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD'],
      default: '—',
      description: "Credentials of the sentinels themselves, when they differ from the data nodes'.",
    },
    {
      names: ['REDIS_CLUSTER_NODES'],
      default: '—',
      description: 'Instead of `REDIS_URL`: some nodes of a Redis Cluster, `host:port,...`; the rest are discovered.',
    },
    {
      names: ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS'],
      default: '— / — / `false`',
      description:
        'ACL user, password and TLS of the data nodes with `REDIS_SENTINELS` or `REDIS_CLUSTER_NODES` (with `REDIS_URL`, put them in the URL, `rediss://` for TLS).',
    },
    {
      names: ['REDIS_WAIT_REPLICAS'],
      default: '`1` with Sentinel, else `0`',
      description:
        'A deletion request counts as delivered once this many of the connected replicas have it (`WAIT`), so a failover cannot take it along; not supported on a Cluster.',
    },
    {
      names: ['REDIS_WAIT_TIMEOUT_MS'],
      default: '`1000`',
      description: 'How long to wait for them; past it the request stays in the outbox and is sent again.',
    },
    {
      names: ['DATA_DIR'],
      default: '`./data`',
      description:
        'Where the embedded set-up keeps its SQLite file and generated secrets (`jwt-secret`, `key-encryption-key`), and where mail goes as `.eml` files (`DATA_DIR/mail/`) when there is no `SMTP_URL`.',
    },
    {
      names: ['SQLITE_SYNCHRONOUS'],
      default: '`normal`',
      description:
        "Embedded set-up: when SQLite flushes its write-ahead log to disk. `normal` flushes at checkpoints: nothing is lost when the process dies, and the file stays consistent, but the last commits before a power loss or kernel crash can be lost (a logout or a rotation among them). `full` flushes every commit, which holds the event loop for the disk's flush on every write. Choose `full` when a power loss must not undo an acknowledged logout; the shared set-up's writes are MongoDB majority writes either way.",
    },
    { names: ['STARTUP_TIMEOUT_MS'], default: '`30000`', description: 'How long start-up waits for MongoDB and Redis, retrying, before it gives up.' },
  ]),
  section('Listeners and the bridge', [
    { names: ['GRPC_HOST', 'GRPC_PORT'], default: '`0.0.0.0` / `50051`', description: 'Where the gRPC server listens.' },
    { names: ['GRPC_MAX_MESSAGE_BYTES'], default: '`65536`', description: 'Larger requests are refused with RESOURCE_EXHAUSTED.' },
    { names: ['BRIDGE_HOST', 'BRIDGE_PORT'], default: '`0.0.0.0` / `8000`', description: 'Where the bridge listens.' },
    { names: ['BRIDGE_GRPC_TARGET'], default: '`127.0.0.1:<GRPC_PORT>`', description: 'The gRPC server the bridge calls when run alone.' },
    { names: ['BRIDGE_CALL_TIMEOUT_MS'], default: '`5000`', description: 'Deadline of every gRPC call the bridge makes.' },
    { names: ['BRIDGE_BODY_LIMIT_BYTES'], default: '`16384`', description: 'Larger request bodies get 413.' },
    {
      names: ['BRIDGE_TRUST_PROXY'],
      default: '`false`',
      description: "Trust `X-Forwarded-Proto`/`-Host`/`-For` from the proxies in front of the bridge. Without it the client IP is the socket's peer.",
    },
    {
      names: ['BRIDGE_PROXY_HOPS'],
      default: '`1`',
      description:
        "With `BRIDGE_TRUST_PROXY`: how many proxies append to `X-Forwarded-For`; the client IP is the entry that many from its end (entries further left are the client's own words).",
    },
    {
      names: ['CORS_ORIGINS'],
      default: 'none',
      description: 'Comma-separated origins allowed to call the bridge with credentials; every other cross-site request to a state-changing route gets 403.',
    },
    {
      names: ['PUBLIC_URL'],
      default: '`http://localhost:<BRIDGE_PORT>`',
      description:
        'Where browsers reach the bridge (or the front end that serves its routes); the links in emails start with it. An absolute http(s) URL without query; a trailing `/` is dropped.',
    },
  ]),
  section('Cookies', [
    { names: ['COOKIE_SECURE'], default: '`true` in production', description: 'Mark cookies `Secure`.' },
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
  section('Gateways and events', [
    { names: ['REVOCATION_KEY_PREFIX'], default: 'empty', description: "Prefix of the Redis key named by a suspended or deleted client's id." },
    {
      names: ['DELETION_CHANNELS'],
      alsoReads: ['DELETION_CHANNEL'],
      default: '`client-data-deletion-request,user-delete`',
      description:
        'Comma-separated pub/sub channels each deletion request is published on (payload: the bare client id). `user-delete` is the channel the original api-gateway listens on. `DELETION_CHANNEL` (one channel) is still accepted instead; setting both stops start-up.',
    },
    { names: ['DELETION_STREAM'], default: '`client-data-deletion-requests`', description: 'Redis Stream of deletion requests, for consumer groups.' },
    { names: ['CLIENT_EVENTS_CHANNEL'], default: '`client-events`', description: 'Pub/sub channel of suspension and reinstatement events (JSON).' },
    { names: ['OUTBOX_RELAY_INTERVAL_MS'], default: '`2000`', description: 'How often undelivered events are retried, and queued mail looked at.' },
    { names: ['WATCH_HEARTBEAT_SEC'], default: '`15`', description: 'How often a quiet `WatchRevocations` stream sends a heartbeat (1–300).' },
    {
      names: ['ACCESS_LOG_SAMPLE'],
      default: '`0`',
      description:
        "The share (0 to 1) of the gateway checks (`ValidateToken`, ext_authz `Check`, `GET /auth`) that get an access log line when they end as usual (allowed, or refused for the caller's token); `0.01` logs one in a hundred, `1` every one. Other outcomes (UNAVAILABLE, INTERNAL) are always logged; the metrics count every call.",
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
        'Comma-separated page origins a passkey ceremony may come from, each on `WEBAUTHN_RP_ID` or a subdomain of it (e.g. `https://app.example.com`). Empty turns passkeys off (`PASSKEYS_NOT_CONFIGURED`).',
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
      description: 'Where `GET /verify-email?token=` sends the browser (303) once the email is verified.',
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
    { names: ['PRODUCT_NAME'], default: '`client-auth`', description: "The product's name as the emails say it." },
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
  section('Audit trail', [
    {
      names: ['AUDIT_RETENTION_DAYS'],
      default: '`90`',
      description:
        'How long audit records are kept (1–3650); a sweeper removes older ones from the store (and the stream is trimmed alike). See [The audit trail](audit.md).',
    },
    {
      names: ['AUDIT_STREAM'],
      default: '`client-auth-audit`',
      description: 'Redis Stream every audit record is published on (shared set-up), for SIEM shippers.',
    },
    {
      names: ['AUDIT_QUEUE_MAX'],
      default: '`10000`',
      description:
        'Audit records that may wait for an unreachable store (10–1000000); past it new records are dropped and counted in `clientauth_audit_dropped_total` (their log lines remain).',
    },
  ]),
  section('Operations', [
    { names: ['ADMIN_EMAIL', 'ADMIN_PASSWORD'], default: '—', description: 'Creates (or brings up to date) the first admin at start-up.' },
    { names: ['METRICS_PORT'], default: 'off', description: 'Serve Prometheus metrics on this port.' },
    {
      names: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
      alsoReads: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_SDK_DISABLED', 'OTEL_SERVICE_NAME', 'OTEL_TRACES_EXPORTER'],
      label: '`OTEL_EXPORTER_OTLP_ENDPOINT` and the other standard `OTEL_*`',
      default: 'off',
      description: 'OpenTelemetry traces; see [Traces](operations.md#traces).',
    },
    { names: ['LOG_LEVEL'], default: '`info`', description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.' },
    { names: ['NODE_ENV'], default: '—', description: '`production` turns on the production checks and `Secure` cookies.' },
    {
      names: ['NODE_OPTIONS'],
      default: 'none',
      description:
        "Node's own options. A young-generation flag in it (`--max-semi-space-size`; Node refuses the other heap-sizing flags in `NODE_OPTIONS`, but they count on the command line) leaves the young generation to the operator instead of the heap policy; see [the heap policy](adr/0003-heap-policy.md).",
    },
  ]),
  section('Migration from the original', [
    {
      names: ['LEGACY_TOKENS_UNTIL'],
      default: 'off',
      description:
        'An ISO 8601 date (`2026-12-31` or `2026-12-31T18:00:00Z`), at most 30 days ahead at start-up: until then, tokens issued by the original service are accepted for imported clients (see [Migrating from a-shine/client-auth](migration.md)). Needs `JWT_SECRET_KEY`.',
    },
  ]),
];
