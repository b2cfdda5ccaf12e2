/** The variables of the stores, the listeners, the gateways, the audit trail and operations (see variables.ts). */
import { section, type VariableSection } from './variables.js';

export const RUNTIME_VARIABLES: readonly VariableSection[] = [
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
      names: ['MONGODB_SOCKET_TIMEOUT_MS'],
      default: '`30000`',
      description:
        "Shared set-up: how long a MongoDB call waits on its connection with nothing coming back (the driver's `socketTimeoutMS`, 500 to 3600000) before it fails as an outage and is retried on another connection. Without it a connection that dies silently would hold its call, and a refill of the revocation list that fails closed meanwhile, for ever. Keep it above the slowest single reply: the first start of a version that adds an index builds it on the existing collection in one call, so raise it for that start when a collection holds millions of documents.",
    },
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
    {
      names: ['CLIENT_CACHE_MAX_ENTRIES'],
      default: '`10000`',
      description:
        "Client records each instance keeps in memory, so that `GET /me`, `GetMe`, admin checks, refreshes and client credentials need no MongoDB or SQLite read. Shared set-up: every change of a client is announced on Redis and forgotten by every instance before the change returns; embedded set-up: its one process forgets the record as it makes the change, and keeps the service clients' OpenID Connect settings (`SetOidcClient`) and their absence the same way, in a cache of their own within the same count, memory and age (see [ADR 0015](adr/0015-client-record-cache.md)). `0` turns the cache off.",
    },
    {
      names: ['CLIENT_CACHE_MAX_MB'],
      default: '`8`',
      description:
        'About how many megabytes of client records each instance keeps at most (and, on the embedded set-up, as many again of OpenID Connect client settings).',
    },
    {
      names: ['CLIENT_CACHE_MAX_AGE_SEC'],
      default: '`60`',
      description:
        'A kept client record older than this is read from the store again, which bounds how long a change made behind the service (by hand in MongoDB, or another process writing the SQLite file) or an announcement Redis lost can go unseen.',
    },
    { names: ['STARTUP_TIMEOUT_MS'], default: '`30000`', description: 'How long start-up waits for MongoDB and Redis, retrying, before it gives up.' },
  ]),
  section('Listeners and the bridge', [
    { names: ['GRPC_HOST', 'GRPC_PORT'], default: '`0.0.0.0` / `50051`', description: 'Where the gRPC server listens.' },
    { names: ['GRPC_MAX_MESSAGE_BYTES'], default: '`65536`', description: 'Larger requests are refused with RESOURCE_EXHAUSTED.' },
    {
      names: ['GRPC_MAX_STREAMS_PER_CONNECTION'],
      default: '`100`',
      description:
        "How many calls one gRPC connection may have open at once, streams and unary calls alike (HTTP/2 `SETTINGS_MAX_CONCURRENT_STREAMS`, 1–10000). A client's further calls wait on its side until one ends; a peer that ignores the setting has them refused (`REFUSED_STREAM`). Clients with more calls in flight open more connections.",
    },
    {
      names: ['WATCH_STREAMS_MAX', 'WATCH_STREAMS_PER_CLIENT'],
      default: '`1000` / `100`',
      description:
        'How many `WatchRevocations` streams this instance keeps open at once, and how many of them one client (an admin, a gateway service) may hold; past either, a new stream is refused with RESOURCE_EXHAUSTED `TOO_MANY_STREAMS`. Gateways that share one service client count together.',
    },
    {
      names: ['HEALTH_WATCH_STREAMS_MAX', 'HEALTH_WATCH_STREAMS_PER_IP'],
      default: '`1000` / `100`',
      description:
        '`grpc.health.v1.Health/Watch` streams (unauthenticated) this instance keeps open at once, and per client IP; past either, RESOURCE_EXHAUSTED `TOO_MANY_STREAMS`. `Check` is not limited.',
    },
    { names: ['BRIDGE_HOST', 'BRIDGE_PORT'], default: '`0.0.0.0` / `8000`', description: 'Where the bridge listens.' },
    { names: ['BRIDGE_GRPC_TARGET'], default: '`127.0.0.1:<GRPC_PORT>`', description: 'The gRPC server the bridge calls when run alone.' },
    {
      names: ['BRIDGE_CALL_TIMEOUT_MS'],
      default: '`5000`',
      description: 'Deadline of every gRPC call the bridge makes; the hashing queue refuses a login at once (429) rather than let it pass this.',
    },
    { names: ['BRIDGE_BODY_LIMIT_BYTES'], default: '`16384`', description: 'Larger request bodies get 413.' },
    {
      names: ['BRIDGE_TRUST_PROXY'],
      default: '`false`',
      description:
        "Trust `X-Forwarded-Proto`/`-Host`/`-For` from the proxies in front of the bridge, those in `TRUSTED_PROXY_CIDRS` only (without it start-up stops). Without it the client IP is the socket's peer.",
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
        'Where browsers reach the bridge (or the front end that serves its routes); the links in emails and the URLs of `/.well-known/openid-configuration` start with it. An absolute http(s) URL without query; a trailing `/` is dropped. With `COOKIE_SECURE` on (production), an `http://` URL is refused unless its host is loopback.',
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
    {
      names: ['ACCESS_LOG_READ_SAMPLE'],
      default: '`1`',
      description:
        "The share (0 to 1) of successful reads of a caller's own record (`GetMe`, and the bridge's `GET /me` with its in-process `GetMe`) that get an access log line; `1` logs every one, `0.01` one in a hundred, `0` none. Their failures are always logged, every answer still carries its `X-Request-Id`, and the metrics count every call. See [ADR 0021](adr/0021-sampled-read-access-log.md).",
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
    {
      names: ['ADMIN_REAUTH_MIN'],
      default: '`15`',
      description:
        'Minutes (1–480) after an admin signed in during which the [admin console](console.md) carries out state-changing actions; past them it asks for the password (and second factor) again first.',
    },
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
    {
      names: ['COMPILE_CACHE_DIR'],
      default: 'off (the image: `/app/compile-cache`)',
      description:
        "An absolute folder for Node's compile cache (Node 22.1 and later): the compiled code of the service's modules is kept there and read back at the next start, which then compiles less. The image sets it to a folder its build filled (`node dist/src/main.js compile`), read-only at run time. Node keys each entry by the module, Node's version and V8's flags, so a new build compiles afresh. A folder that cannot be used leaves the start as it was, with a warning; see [ADR 0025](adr/0025-compile-cache-in-the-image.md).",
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
