/**
 * The only reader of the environment. `loadConfig` turns it into a typed, validated,
 * frozen Config, or throws a ConfigError naming the variable at fault.
 */

import type { StreamLimits } from '../transport/grpc/watch-streams.js';
import { type AdminConsoleConfig, adminConsoleFrom } from './admin-console.js';
import { type ClientCacheConfig, clientCacheFrom } from './client-cache.js';
import { compileCacheDirFrom } from './compile-cache-dir.js';
import { legacyWindowFrom } from './legacy-window.js';
import { type AbuseConfig, abuseConfigFrom } from './limits.js';
import { type PasswordHashingConfig, passwordHashingFrom } from './password-hashing.js';
import { type ReadAccessLogConfig, readAccessLogFrom } from './read-access-log.js';
import { ConfigError, type Env, Reader } from './reader.js';
import { checkCookiePolicy, type MailConfig, mailFrom, type RecoveryConfig, recoveryFrom, verifiedRedirectFrom } from './recovery.js';
import { type SecondFactorConfig, secondFactorFrom } from './second-factor.js';
import { type SigningConfig, signingFrom } from './signing.js';
import { type StoresConfig, storesFrom } from './stores.js';
import { streamLimitsFrom } from './streams.js';
import { type StrengthThreadConfig, strengthThreadFrom } from './strength-thread.js';
import { type UiConfig, uiFrom } from './ui.js';

export { ConfigError, type Env } from './reader.js';
export type { RedisConfig, RedisNode, RedisTarget } from './redis.js';
export type { SecondFactorConfig } from './second-factor.js';
export type { SigningConfig } from './signing.js';
export type { MongoConfig, StoresConfig } from './stores.js';
export type { UiConfig } from './ui.js';

export interface Config {
  readonly production: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly grpc: { readonly host: string; readonly port: number; readonly maxMessageBytes: number };
  /** Streams per connection, and watch streams per process and per caller (src/config/streams.ts). */
  readonly streams: StreamLimits;
  readonly bridge: {
    readonly host: string;
    readonly port: number;
    /** host:port of the gRPC server the bridge calls. */
    readonly upstream: string;
    readonly allowedOrigins: readonly string[];
    readonly cookieSecure: boolean;
    /** Name the cookies `__Host-<access>` and `__Secure-<refresh>`; needs cookieSecure. */
    readonly cookieHostPrefix: boolean;
    /** Believe X-Forwarded-For/-Proto/-Host from the proxies in front of the bridge (those in `trustedProxies` only). */
    readonly trustProxy: boolean;
    /** TRUSTED_PROXY_CIDRS: the proxies whose X-Forwarded-* the bridge believes with `trustProxy`. */
    readonly trustedProxies: readonly string[];
    /** How many proxies append to X-Forwarded-For: the client is that many entries from its end. */
    readonly proxyHops: number;
    readonly accessCookieName: string;
    readonly refreshCookieName: string;
    readonly callTimeoutMs: number;
    readonly bodyLimitBytes: number;
    /** PUBLIC_URL (no trailing slash): the OpenID Provider's issuer; every URL discovery names starts with it. */
    readonly publicUrl: string;
    /** Where the verification page leads once a link confirmed the address (without the pages: where GET /verify-email?token= redirects). */
    readonly emailVerifiedRedirectUrl: string;
    /** The hosted pages (src/config/ui.ts). */
    readonly ui: UiConfig;
  };
  readonly jwt: {
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenTtlSeconds: number;
    readonly serviceTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
    /** How far in the future a token's `iat` may lie (clocks of instances differ). */
    readonly clockSkewSeconds: number;
    /** A retired refresh token used again within this many seconds gets the pair its first use got. */
    readonly refreshReuseIntervalSeconds: number;
  };
  readonly signing: SigningConfig;
  readonly bcryptCost: number;
  /** The algorithm new passwords are hashed with, and argon2id's parameters (src/config/password-hashing.ts). */
  readonly passwordHashing: PasswordHashingConfig;
  /** The strength estimator's score (0 to 4) a new password must reach; 0 turns the estimator off. */
  readonly passwordMinScore: number;
  /** The strength estimator's thread (src/config/strength-thread.ts). */
  readonly strengthThread: StrengthThreadConfig;
  /** Attempt limits, the password-hashing queue and trusted proxies (src/config/limits.ts). */
  readonly abuse: AbuseConfig;
  readonly stores: StoresConfig;
  /** The shared set-up's cache of client records (src/config/client-cache.ts). */
  readonly clientCache: ClientCacheConfig;
  readonly revocationKeyPrefix: string;
  /** Pub/sub channels each deletion is published on (the bare client id). */
  readonly deletionChannels: readonly string[];
  readonly deletionStream: string;
  readonly clientEventsChannel: string;
  readonly outboxRelayIntervalMs: number;
  readonly startupTimeoutMs: number;
  readonly admin: { readonly email: string; readonly password: string } | null;
  /** The admin console (src/config/admin-console.ts). */
  readonly adminConsole: AdminConsoleConfig;
  /** How often WatchRevocations streams send a heartbeat. */
  readonly watchHeartbeatSeconds: number;
  readonly metricsPort: number | null;
  /** The original service's database, which `import-original` reads: DB_NAME as it named it; null when unset. */
  readonly originalDbName: string | null;
  /** Until when tokens of the original service are accepted (LEGACY_TOKENS_UNTIL); null when never. */
  readonly legacyTokensUntil: Date | null;
  /** JWT_SECRET_KEY, which verifies the original service's tokens while LEGACY_TOKENS_UNTIL is set; null otherwise. */
  readonly legacyTokenSecret: string | null;
  readonly secondFactor: SecondFactorConfig;
  readonly recovery: RecoveryConfig;
  readonly mail: MailConfig;
  /** The share of gateway checks (ValidateToken, Check, GET /auth) logged when they end as usual, 0 to 1. */
  readonly accessLogSample: number;
  /** How many successful reads of the own record (GetMe, GET /me) are logged (src/config/read-access-log.ts). */
  readonly accessLogReads: ReadAccessLogConfig;
  /** Node's compile cache for the bundle, or null (off); applied by src/bootstrap/compile-cache-apply.ts before loadConfig runs (ADR 0025). */
  readonly compileCacheDir: string | null;
  /** Audit records are kept `retentionDays`, published on `stream`; at most `queueMax` wait for an unreachable store. */
  readonly audit: { readonly retentionDays: number; readonly stream: string; readonly queueMax: number };
}

export function loadConfig(env: Env): Config {
  const read = new Reader(env);
  const production = env['NODE_ENV'] === 'production';

  const stores = storesFrom(read);
  const signing = signingFrom(read, production, stores.kind === 'shared');
  const adminEmail = read.optional('ADMIN_EMAIL');
  const adminPassword = read.optional('ADMIN_PASSWORD');
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }

  const grpcPort = read.int('GRPC_PORT', 50051, 0, 65535);
  const issuer = read.string('JWT_ISSUER', 'client-auth');
  const cookieSecure = read.bool('COOKIE_SECURE', production);
  const cookieHostPrefix = read.bool('COOKIE_HOST_PREFIX', false);
  if (cookieHostPrefix && !cookieSecure) {
    throw new ConfigError('COOKIE_HOST_PREFIX=true needs COOKIE_SECURE=true: browsers drop __Host- cookies without Secure');
  }
  const accessCookieName = checkCookieName('ACCESS_COOKIE_NAME', read.string('ACCESS_COOKIE_NAME', 'token'));
  const refreshCookieName = checkCookieName('REFRESH_COOKIE_NAME', read.string('REFRESH_COOKIE_NAME', 'refresh_token'));
  // One name for both would let the refresh cookie overwrite the access cookie.
  if (accessCookieName === refreshCookieName) {
    throw new ConfigError(`ACCESS_COOKIE_NAME and REFRESH_COOKIE_NAME must differ; both are "${accessCookieName}"`);
  }
  const metricsPort = read.optional('METRICS_PORT');
  const bridgePort = read.int('BRIDGE_PORT', 8000, 0, 65535);
  const recovery = recoveryFrom(read, bridgePort);
  checkCookiePolicy(recovery.publicUrl, cookieSecure);
  const secondFactor = secondFactorFrom(read);
  const legacyTokenSecret = read.optional('JWT_SECRET_KEY');
  const legacyTokensUntil = legacyWindowFrom(read.optional('LEGACY_TOKENS_UNTIL'), legacyTokenSecret);
  const abuse = abuseConfigFrom(read);
  const trustProxy = read.bool('BRIDGE_TRUST_PROXY', false);
  if (trustProxy && abuse.trustedProxies.length === 0) {
    throw new ConfigError(
      'BRIDGE_TRUST_PROXY=true needs TRUSTED_PROXY_CIDRS, the addresses of the proxies in front of the bridge: X-Forwarded-For is believed from them only',
    );
  }

  return deepFreeze({
    production,
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    grpc: {
      host: read.string('GRPC_HOST', '0.0.0.0'),
      port: grpcPort,
      maxMessageBytes: read.int('GRPC_MAX_MESSAGE_BYTES', 64 * 1024, 1024, 4 * 1024 * 1024),
    },
    streams: streamLimitsFrom(read),
    bridge: {
      host: read.string('BRIDGE_HOST', '0.0.0.0'),
      port: bridgePort,
      upstream: read.string('BRIDGE_GRPC_TARGET', `127.0.0.1:${grpcPort || 50051}`),
      allowedOrigins: read.list('CORS_ORIGINS').map((origin) => checkOrigin('CORS_ORIGINS', origin)),
      cookieSecure,
      cookieHostPrefix,
      trustProxy,
      trustedProxies: abuse.trustedProxies,
      proxyHops: read.int('BRIDGE_PROXY_HOPS', 1, 1, 10),
      accessCookieName,
      refreshCookieName,
      callTimeoutMs: read.int('BRIDGE_CALL_TIMEOUT_MS', 5000, 100, 60000),
      bodyLimitBytes: read.int('BRIDGE_BODY_LIMIT_BYTES', 16 * 1024, 256, 1024 * 1024),
      publicUrl: recovery.publicUrl,
      emailVerifiedRedirectUrl: verifiedRedirectFrom(read, recovery),
      ui: uiFrom(read, recovery, secondFactor.webauthn.origins.length > 0),
    },
    jwt: {
      issuer,
      audience: read.string('JWT_AUDIENCE', 'client-auth'),
      accessTokenTtlSeconds: read.int('JWT_TOKEN_EXP_MIN', 15, 1, 24 * 60) * 60,
      serviceTokenTtlSeconds: read.int('SERVICE_TOKEN_EXP_MIN', 15, 1, 24 * 60) * 60,
      refreshTokenTtlSeconds: read.int('REFRESH_TOKEN_EXP_DAYS', 30, 1, 365) * 24 * 3600,
      clockSkewSeconds: read.int('JWT_CLOCK_SKEW_SEC', 30, 0, 300),
      refreshReuseIntervalSeconds: read.int('REFRESH_REUSE_INTERVAL_SEC', 10, 0, 300),
    },
    signing,
    bcryptCost: read.int('BCRYPT_COST', 10, 4, 15),
    passwordHashing: passwordHashingFrom(read),
    passwordMinScore: read.int('PASSWORD_MIN_SCORE', 3, 0, 4),
    strengthThread: strengthThreadFrom(read),
    abuse,
    stores,
    clientCache: clientCacheFrom(read),
    revocationKeyPrefix: read.string('REVOCATION_KEY_PREFIX', '', { allowEmpty: true }),
    deletionChannels: deletionChannelsFrom(read),
    deletionStream: read.string('DELETION_STREAM', 'client-data-deletion-requests'),
    clientEventsChannel: read.string('CLIENT_EVENTS_CHANNEL', 'client-events'),
    outboxRelayIntervalMs: read.int('OUTBOX_RELAY_INTERVAL_MS', 2000, 50, 600000),
    startupTimeoutMs: read.int('STARTUP_TIMEOUT_MS', 30000, 0, 600000),
    admin: adminEmail !== null && adminPassword !== null ? { email: adminEmail, password: adminPassword } : null,
    adminConsole: adminConsoleFrom(read),
    watchHeartbeatSeconds: read.int('WATCH_HEARTBEAT_SEC', 15, 1, 300),
    metricsPort: metricsPort === null ? null : read.int('METRICS_PORT', 9464, 0, 65535),
    originalDbName: read.optional('DB_NAME') === null ? null : read.string('DB_NAME', ''),
    legacyTokensUntil,
    legacyTokenSecret: legacyTokensUntil === null ? null : legacyTokenSecret,
    secondFactor,
    recovery,
    mail: mailFrom(read, recovery, production),
    accessLogSample: read.fraction('ACCESS_LOG_SAMPLE', 0),
    accessLogReads: readAccessLogFrom(read),
    compileCacheDir: compileCacheDirFrom(read),
    audit: {
      retentionDays: read.int('AUDIT_RETENTION_DAYS', 90, 1, 3650),
      stream: read.string('AUDIT_STREAM', 'client-auth-audit'),
      queueMax: read.int('AUDIT_QUEUE_MAX', 10000, 10, 1_000_000),
    },
  });
}

/**
 * Whether OpenTelemetry's standard variables ask for traces (an OTLP endpoint, or a traces
 * exporter other than `none`, and the SDK not disabled), and the service name to report.
 * The SDK reads the rest of OTEL_* itself. Called by src/observability/tracing/preload.ts before
 * loadConfig, since tracing must start before the libraries it instruments load.
 */
export function tracingConfig(env: Env): { serviceName: string } | null {
  if (env['OTEL_SDK_DISABLED'] === 'true') return null;
  const exporter = env['OTEL_TRACES_EXPORTER'];
  const requested = exporter ? exporter !== 'none' : Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
  return requested ? { serviceName: env['OTEL_SERVICE_NAME'] || 'client-auth' } : null;
}

/**
 * Our own channel and `user-delete`, the one the original api-gateway subscribes to, so it
 * sees deletions with no configuration. DELETION_CHANNEL (one channel) is the older name.
 */
const DEFAULT_DELETION_CHANNELS = ['client-data-deletion-request', 'user-delete'];

function deletionChannelsFrom(read: Reader): string[] {
  const channels = read.list('DELETION_CHANNELS');
  const single = read.optional('DELETION_CHANNEL');
  if (channels.length > 0 && single !== null) {
    throw new ConfigError('set DELETION_CHANNELS or DELETION_CHANNEL, not both (DELETION_CHANNELS is a comma-separated list)');
  }
  if (single !== null) return [read.string('DELETION_CHANNEL', single)];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
  if (channels.some((channel) => /[\u0000-\u001f\s]/.test(channel))) {
    throw new ConfigError('DELETION_CHANNELS entries must not contain spaces or control characters');
  }
  return channels.length > 0 ? [...new Set(channels)] : DEFAULT_DELETION_CHANNELS;
}

function checkCookieName(name: string, value: string): string {
  // RFC 6265 cookie-name (an HTTP token); the prefixes are added by COOKIE_HOST_PREFIX, not by hand.
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/.test(value) || /^__(Host|Secure)-/i.test(value)) {
    throw new ConfigError(`${name} must be a cookie name of 1 to 64 token characters without a __Host-/__Secure- prefix; got "${value}"`);
  }
  return value;
}

function checkOrigin(name: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new ConfigError(`${name} entries must be origins like https://app.example.com; got "${origin}"`);
  }
  if (parsed.origin !== origin) throw new ConfigError(`${name} entries must be bare origins (scheme://host[:port]); got "${origin}"`);
  return origin;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
