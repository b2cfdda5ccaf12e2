/**
 * Which calls get an access log line. Every call of most RPCs does; the gateway checks
 * (ValidateToken, ext_authz Check, forward auth's GET /auth) run once per request a gateway
 * passes, so a line each would cost more than the check itself and flood the logs. Their
 * ordinary outcomes (allowed, or denied for the caller's own token) are logged for one call
 * in `1 / sample`, deterministically; the metrics count every call. Anything else they
 * answer (UNAVAILABLE, INTERNAL...) is always logged.
 */
import { status } from '@grpc/grpc-js';

/** The per-request checks gateways make. */
export const HOT_PATH_METHODS: ReadonlySet<string> = new Set(['ValidateToken', 'Check', 'ForwardAuth']);

const ORDINARY_OUTCOMES: ReadonlySet<status> = new Set([status.OK, status.UNAUTHENTICATED, status.PERMISSION_DENIED, status.INVALID_ARGUMENT]);

export interface AccessLogPolicy {
  /** Whether this finished call gets a log line. */
  logs(method: string, code: status): boolean;
}

/** Logs every call (the behaviour without a policy). */
export const LOG_EVERY_CALL: AccessLogPolicy = { logs: () => true };

/** `sample` in [0, 1]: 0 logs no ordinary hot-path outcome, 1 logs them all, 0.01 one in a hundred. */
export function sampledAccessLog(sample: number): AccessLogPolicy {
  if (sample >= 1) return LOG_EVERY_CALL;
  const every = sample > 0 ? Math.round(1 / sample) : 0;
  let seen = 0;
  return {
    logs(method, code) {
      if (!HOT_PATH_METHODS.has(method) || !ORDINARY_OUTCOMES.has(code)) return true;
      if (every === 0) return false;
      seen = seen + 1 === every ? 0 : seen + 1;
      return seen === 1 || every === 1;
    },
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
