/**
 * Failures the bridge detects itself, before or instead of a gRPC call: a body that is not
 * JSON, a cross-site request, a route that does not exist. Each has a stable UPPER_SNAKE
 * reason like the service's own, listed once in BRIDGE_REASONS with its HTTP status; the
 * service's reasons (src/domain/kernel/errors.ts) keep the status their kind maps to.
 */
import { isReason, REASONS, type Reason } from '../../src/domain/kernel/errors.js';
import { HTTP_STATUS_OF } from '../../src/transport/grpc/http-status.js';
import { grpcCodeOf } from '../../src/transport/grpc/status-mapping.js';

/** The bridge's own reasons, with their status and what they mean (docs/errors.md is generated from them). */
export const BRIDGE_REASONS = {
  NOT_FOUND: { status: 404, meaning: 'no route has this path' },
  METHOD_NOT_ALLOWED: { status: 405, meaning: 'the route exists, not with this method; the Allow header lists those it takes' },
  NOT_IMPLEMENTED: { status: 501, meaning: 'the method is not one HTTP servers must know' },
  CROSS_SITE_REQUEST: { status: 403, meaning: 'a state-changing request from an origin not in CORS_ORIGINS' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'a body not of the type the route reads: JSON, or a form on the pages' },
  INVALID_JSON: { status: 400, meaning: 'a body that is not one JSON object' },
  BODY_TOO_LARGE: { status: 413, meaning: 'a body over BRIDGE_BODY_LIMIT_BYTES' },
  REQUEST_ABORTED: { status: 400, meaning: 'the client closed the connection before its body arrived' },
  MESSAGE_TOO_LARGE: { status: 429, meaning: 'the gRPC server refused the request as too large' },
  DEADLINE_EXCEEDED: { status: 503, meaning: 'the gRPC server did not answer within BRIDGE_CALL_TIMEOUT_MS' },
  OIDC_UNAVAILABLE: {
    status: 404,
    meaning: 'no OpenID Provider: tokens are signed HS256 with JWT_SECRET_KEY, whose JWKS is empty (set JWT_ALGORITHM=ES256, docs/oidc.md)',
  },
  OIDC_NOT_SERVED: { status: 404, meaning: 'no OpenID Provider in this process: it runs beside the service (the `all` role), not in a bridge started alone' },
  INTERNAL: { status: 500, meaning: 'anything unexpected; the cause is logged, never shown' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type BridgeReason = keyof typeof BRIDGE_REASONS;

/** The HTTP status of a reason, the bridge's own or the service's. */
export function httpStatusOf(reason: BridgeReason | Reason): number {
  if (isReason(reason)) return HTTP_STATUS_OF[grpcCodeOf(REASONS[reason].kind)] ?? 500;
  return BRIDGE_REASONS[reason].status;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  constructor(
    readonly reason: BridgeReason | Reason,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.status = httpStatusOf(reason);
  }
}

export function invalidField(field: string, message: string): HttpError {
  return new HttpError('INVALID_ARGUMENT', message, field);
}
