/**
 * Which calls get an access log line. Every call of most RPCs does; the gateway checks
 * (ValidateToken, ext_authz Check, forward auth's GET /auth) run once per request a gateway
 * passes, so a line each would cost more than the check itself and flood the logs. Their
 * ordinary outcomes (allowed, or denied for the caller's own token) are logged for one call
 * in `1 / sample`, deterministically; the metrics count every call. Anything else they
 * answer (UNAVAILABLE, INTERNAL...) is always logged.
 *
 * The reads of a caller's own record (GetMe, and the bridge's GET /me) are what a browser
 * page asks most; their lines cost a large share of such a read (ADR 0021). Their successes
 * are logged for one call in `1 / readSample` (every one by default); their failures always.
 */
import { status } from '@grpc/grpc-js';

/** The per-request checks gateways make. */
export const HOT_PATH_METHODS: ReadonlySet<string> = new Set(['ValidateToken', 'Check', 'ForwardAuth']);

/**
 * The reads of the own record, by the name their line carries: the RPC, or the bridge's
 * `METHOD /path`. Each is sampled on its own, so a GET /me's http line and its GetMe's rpc
 * line are counted apart.
 */
export const READ_METHODS: ReadonlySet<string> = new Set(['GetMe', 'GET /me']);

const ORDINARY_OUTCOMES: ReadonlySet<status> = new Set([status.OK, status.UNAUTHENTICATED, status.PERMISSION_DENIED, status.INVALID_ARGUMENT]);

export interface AccessLogPolicy {
  /** Whether this finished call gets a log line. */
  logs(method: string, code: status): boolean;
}

/** Logs every call (the behaviour without a policy). */
export const LOG_EVERY_CALL: AccessLogPolicy = { logs: () => true };

/**
 * `sample` in [0, 1], for the gateway checks: 0 logs no ordinary outcome, 1 logs them all,
 * 0.01 one in a hundred. `readSample` alike for the successful reads of READ_METHODS.
 */
export function sampledAccessLog(sample: number, readSample = 1): AccessLogPolicy {
  if (sample >= 1 && readSample >= 1) return LOG_EVERY_CALL;
  const hotPath = sampler(sample);
  const reads = new Map([...READ_METHODS].map((method) => [method, sampler(readSample)]));
  return {
    logs(method, code) {
      if (HOT_PATH_METHODS.has(method)) return !ORDINARY_OUTCOMES.has(code) || hotPath();
      const read = reads.get(method);
      return read === undefined || code !== status.OK || read();
    },
  };
}

/** One in `1 / sample` calls, deterministically: the first, then every `1 / sample`-th. */
function sampler(sample: number): () => boolean {
  if (sample >= 1) return () => true;
  const every = sample > 0 ? Math.round(1 / sample) : 0;
  if (every === 0) return () => false;
  let seen = 0;
  return () => {
    seen = seen + 1 === every ? 0 : seen + 1;
    return seen === 1 || every === 1;
  };
}

/** An HTTP status as the gRPC code it stands for, so forward auth shares the policy. */
export function codeOfHttpStatus(httpStatus: number): status {
  switch (httpStatus) {
    case 200:
      return status.OK;
    case 400:
      return status.INVALID_ARGUMENT;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 503:
      return status.UNAVAILABLE;
    default:
      return status.UNKNOWN;
  }
}
