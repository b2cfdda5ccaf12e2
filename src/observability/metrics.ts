/**
 * Prometheus metrics, served on their own port so they never share a listener (or an
 * exposure) with the API. Everything lives in a registry of our own rather than
 * prom-client's global one: two instances in one process (tests) never mix counters.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status } from '@grpc/grpc-js';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditStats } from '../domain/audit/recorder.js';
import type { Outbox } from '../domain/clients/ports.js';
import { isReason, type Reason } from '../domain/kernel/errors.js';
import { type Logger, silentLogger } from '../domain/kernel/logger.js';
import { OutageLog } from '../domain/kernel/outage-log.js';
import type { MailOutbox } from '../domain/recovery/ports.js';
import type { RevocationList } from '../domain/revocation/ports.js';
import type { LegacyTokens } from '../domain/sessions/legacy-tokens.js';
import type { CallObserver } from '../transport/grpc/unary.js';
import { registerAuditMetrics } from './audit-metrics.js';

export type StoreName = 'mongodb' | 'redis' | 'sqlite';

export type LoginOutcome = 'success' | 'invalid_credentials' | 'suspended' | 'email_not_verified' | 'throttled' | 'server_busy' | 'invalid_argument' | 'error';

/**
 * Where the gauges read their values, on every scrape. Each is optional: a process that
 * runs only the bridge has no stores, and its gauges are then simply not exported.
 */
export interface MetricsSources {
  revocations?: Pick<RevocationList, 'size'>;
  outbox?: Pick<Outbox, 'backlog'>;
  audit?: { stats(): AuditStats };
  mailOutbox?: Pick<MailOutbox, 'backlog'>;
  /** Whether each store this process uses is connected; stores not named are not exported. */
  storesUp?: () => Partial<Record<StoreName, boolean>> | Promise<Partial<Record<StoreName, boolean>>>;
  /** Tokens of the original service accepted so far, while LEGACY_TOKENS_UNTIL is set. */
  legacyTokens?: Pick<LegacyTokens, 'accepted'>;
}

export interface MetricsOptions {
  /**
   * How long a scrape waits for one source. A store that hangs must not make the whole
   * scrape time out, or the metrics that would show the outage go missing with it.
   */
  sourceTimeoutMs?: number;
  /** Where a source that fails or hangs is reported, once per outage. */
  log?: Logger;
}

export interface Metrics {
  registry: Registry;
  /** Counts a finished RPC and its latency, and a Login's outcome; pass it as `observe` to unary(). */
  observeRpc: CallObserver;
  /** Serves GET /metrics on host:port (0 picks a free port); resolves to the bound port. */
  start(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

const METRIC_PREFIX = 'clientauth_';
const DEFAULT_SOURCE_TIMEOUT_MS = 2000;
/** From a cached token check (well under 1 ms) to a bcrypt login or a slow store (seconds). */
const RPC_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LOGIN_OUTCOMES: readonly LoginOutcome[] = [
  'success',
  'invalid_credentials',
  'suspended',
  'email_not_verified',
  'throttled',
  'server_busy',
  'invalid_argument',
  'error',
];

/** The reasons a Login can fail with that are not errors of the service; any other is 'error'. */
const LOGIN_OUTCOME_OF: Partial<Record<Reason, LoginOutcome>> = {
  INVALID_CREDENTIALS: 'invalid_credentials',
  CLIENT_SUSPENDED: 'suspended',
  EMAIL_NOT_VERIFIED: 'email_not_verified',
  TOO_MANY_ATTEMPTS: 'throttled',
  SERVER_BUSY: 'server_busy',
  INVALID_ARGUMENT: 'invalid_argument',
};

export function createMetrics(sources: MetricsSources, options: MetricsOptions = {}): Metrics {
  const sourceTimeoutMs = options.sourceTimeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
  const outageLog = (what: string) => new OutageLog(options.log ?? silentLogger, what);
  const read = <T>(source: () => T | Promise<T>, outage: OutageLog) => readWithin(source, sourceTimeoutMs, outage);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  const rpcTotal = new Counter({
    name: `${METRIC_PREFIX}rpc_total`,
    help: 'Finished gRPC calls, by method and status code.',
    labelNames: ['method', 'code'] as const,
    registers: [registry],
  });
  const rpcDuration = new Histogram({
    name: `${METRIC_PREFIX}rpc_duration_seconds`,
    help: 'Time from receiving a gRPC call to answering it, by method and status code.',
    labelNames: ['method', 'code'] as const,
    buckets: RPC_DURATION_BUCKETS,
    registers: [registry],
  });
  const logins = new Counter({
    name: `${METRIC_PREFIX}logins_total`,
    help: 'Login attempts, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Every outcome is exported from the start, so rate() and alerts see 0 rather than no series.
  for (const outcome of LOGIN_OUTCOMES) logins.inc({ outcome }, 0);

  if (sources.audit) registerAuditMetrics(registry, METRIC_PREFIX, sources.audit);
  const { revocations, outbox, mailOutbox, storesUp, legacyTokens } = sources;
  if (legacyTokens) {
    // Totals since the process started, which is when the source began counting.
    let reported = { user: 0, service: 0 };
    new Counter({
      name: `${METRIC_PREFIX}legacy_tokens_accepted_total`,
      help: 'Tokens of the original service accepted, by client kind: clients still to move before LEGACY_TOKENS_UNTIL.',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        const now = legacyTokens.accepted();
        this.inc({ kind: 'user' }, now.user - reported.user);
        this.inc({ kind: 'service' }, now.service - reported.service);
        reported = now;
      },
    });
  }
  if (revocations) {
    new Gauge({
      name: `${METRIC_PREFIX}suspended_clients`,
      help: 'Clients suspended now, as the revocation list of this instance holds them.',
      registers: [registry],
      collect() {
        this.set(revocations.size().suspended);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}revocation_list_entries`,
      help: "Entries in this instance's in-memory revocation list: suspended clients, deleted clients, revoked sessions.",
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        const size = revocations.size();
        this.set({ kind: 'suspended' }, size.suspended);
        this.set({ kind: 'deleted' }, size.deleted);
        this.set({ kind: 'session' }, size.sessions);
      },
    });
  }
  /** A gauge of how many items wait in a queue, read on every scrape; NaN when the read fails or is late. */
  const backlogGauge = (name: string, help: string, backlog: () => Promise<number>) => {
    const reads = outageLog(`metrics: reading the ${name.replaceAll('_', ' ')}`);
    new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      registers: [registry],
      async collect() {
        this.set((await read(backlog, reads)) ?? Number.NaN);
      },
    });
  };
  if (outbox) {
    backlogGauge(
      'outbox_backlog',
      'Outbox events not yet delivered to the revocation list and the event bus. NaN when the outbox could not be read in time.',
      () => outbox.backlog(),
    );
  }
  if (mailOutbox) {
    backlogGauge(
      'mail_outbox_backlog',
      'Mail (verification, password reset) queued and not yet sent: growing means the SMTP server is not taking it. NaN when it could not be read in time.',
      () => mailOutbox.backlog(),
    );
  }
  if (storesUp) {
    const storeChecks = outageLog('metrics: checking the stores');
    new Gauge({
      name: `${METRIC_PREFIX}store_up`,
      help: 'Whether a store is connected (1) or not (0).',
      labelNames: ['store'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const states = (await read(storesUp, storeChecks)) ?? {};
        for (const [store, up] of Object.entries(states)) this.set({ store }, up ? 1 : 0);
      },
    });
  }

  // The labelled series of each method and code, looked up once: prom-client would
  // otherwise build and hash a label key on every call of the gateway checks.
  const series = new Map<string, { total: ReturnType<typeof rpcTotal.labels>; duration: ReturnType<typeof rpcDuration.labels> }[]>();
  const seriesOf = (method: string, code: status) => {
    let byCode = series.get(method);
    if (byCode === undefined) {
      byCode = [];
      series.set(method, byCode);
    }
    const name = status[code] ?? String(code);
    byCode[code] ??= { total: rpcTotal.labels({ method, code: name }), duration: rpcDuration.labels({ method, code: name }) };
    return byCode[code];
  };

  let server: Server | null = null;
  return {
    registry,
    observeRpc(method, code, seconds, reason) {
      const series = seriesOf(method, code);
      series.total.inc();
      series.duration.observe(seconds);
      if (method === 'Login') logins.inc({ outcome: loginOutcomeOf(code, reason) });
    },
    async start(port, host) {
      if (server) throw new Error('the metrics server is already started');
      const started = createServer((request, response) => {
        const path = (request.url ?? '/').split('?')[0];
        if (path !== '/metrics') {
          response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found; metrics are at /metrics\n');
          return;
        }
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
          return;
        }
        registry.metrics().then(
          (body) => {
            response.writeHead(200, { 'content-type': registry.contentType });
            response.end(request.method === 'HEAD' ? undefined : body);
          },
          () => {
            response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
          },
        );
      });
      await new Promise<void>((resolve, reject) => {
        started.once('error', reject);
        started.listen(port, host, () => {
          started.off('error', reject);
          resolve();
        });
      });
      server = started;
      return (started.address() as AddressInfo).port;
    },
    async close() {
      const running = server;
      server = null;
      if (!running) return;
      await new Promise<void>((resolve) => {
        running.close(() => resolve());
        running.closeAllConnections();
      });
    },
  };
}

/** The outcome label of a finished Login, from its status and reason. */
export function loginOutcomeOf(code: status, reason: string): LoginOutcome {
  if (code === status.OK) return 'success';
  const outcome = isReason(reason) ? LOGIN_OUTCOME_OF[reason] : undefined;
  if (outcome) return outcome;
  // A request grpc-js refused before the handler ran carries no reason of ours.
  if (code === status.INVALID_ARGUMENT) return 'invalid_argument';
  return 'error';
}

/** The source's value, or undefined when it failed or took longer than `timeoutMs` (told to `outage`). */
async function readWithin<T>(source: () => T | Promise<T>, timeoutMs: number, outage: OutageLog): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(source), timedOut]);
    outage.succeeded();
    return value;
  } catch (error) {
    outage.failed(error);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
