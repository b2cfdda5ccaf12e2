/**
 * The one place where failures become HTTP responses. gRPC statuses map to HTTP statuses,
 * the service's reason and message pass through, and anything unexpected becomes a bare
 * 500 whose cause is logged here and never shown.
 */
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { Context, Middleware } from 'koa';
import { describeError } from '../../src/domain/kernel/error-text.js';
import { isReason, REASONS, type Reason } from '../../src/domain/kernel/errors.js';
import type { Logger } from '../../src/domain/kernel/logger.js';
import { errorDetailOf, RETRY_AFTER_KEY } from '../../src/sdk/typed-client.js';
import { HTTP_STATUS_OF } from '../../src/transport/grpc/http-status.js';
import { respondJson } from '../json/respond.js';
import { type BridgeReason, HttpError } from './http-error.js';

/** The JSON body of every error response. */
export interface ErrorBody {
  message: string;
  reason: string;
  /** The request field at fault, for 400 INVALID_ARGUMENT. */
  field?: string;
}

/**
 * What the caller sees when the failure did not come from the service's own error
 * mapping (no ErrorDetail): grpc-js's text then describes our network, not the request.
 */
const TRANSPORT_FAILURE: Partial<Record<GrpcStatus, ErrorBody & { reason: BridgeReason | Reason }>> = {
  [GrpcStatus.UNAVAILABLE]: { message: 'the authentication service is unavailable; retry later', reason: 'UNAVAILABLE' },
  [GrpcStatus.DEADLINE_EXCEEDED]: { message: 'the authentication service did not answer in time; retry later', reason: 'DEADLINE_EXCEEDED' },
  [GrpcStatus.RESOURCE_EXHAUSTED]: { message: 'the request is too large', reason: 'MESSAGE_TOO_LARGE' },
};

const INTERNAL: ErrorBody & { reason: BridgeReason } = { message: 'internal error', reason: 'INTERNAL' };

/** A failure as HTTP sees it: what the JSON body says, and the status and wait that go with it. */
export interface HttpFailure {
  status: number;
  body: ErrorBody;
  retryAfterSeconds?: number;
}

/**
 * Answers a failure some other way than JSON (the pages answer with an HTML page for
 * their own paths); returns false to leave it to the JSON answer.
 */
export type FailureAnswer = (ctx: Context, failure: HttpFailure) => boolean;

/** Renames the gRPC request fields a route exposes under other JSON names (e.g. client_id -> id). */
export type JsonFieldNames = Readonly<Record<string, string>>;

export function errorMiddleware(log: Logger, answer?: FailureAnswer): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // The router answers an unknown path or method with a bare status; give it a body too.
      if (ctx.body == null && ctx.status === 404) throw new HttpError('NOT_FOUND', `no route ${ctx.method} ${ctx.path}`);
      if (ctx.body == null && ctx.status === 405)
        throw new HttpError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}; see the Allow header`);
      if (ctx.body == null && ctx.status === 501) throw new HttpError('NOT_IMPLEMENTED', `${ctx.method} is not implemented`);
    } catch (error) {
      const failure = toHttpError(error, ctx.state['jsonFieldNames'] as JsonFieldNames | undefined);
      const { status, body, retryAfterSeconds } = failure;
      if (status === 500) {
        log.error({ requestId: ctx.state['requestId'], method: ctx.method, path: ctx.path, err: describeError(error) }, 'request failed unexpectedly');
      }
      if (answer?.(ctx, failure)) return;
      ctx.status = status;
      respondJson(ctx, body);
      if (retryAfterSeconds !== undefined) ctx.set('Retry-After', String(retryAfterSeconds));
    }
  };
}

/** Maps any thrown value to an HTTP status and the JSON error body. */
export function toHttpError(error: unknown, fieldNames: JsonFieldNames = {}): HttpFailure {
  if (error instanceof HttpError) {
    return { status: error.status, body: withField({ message: error.message, reason: error.reason }, error.field) };
  }
  if (isServiceError(error)) {
    const detail = errorDetailOf(error);
    const status = HTTP_STATUS_OF[error.code];
    if (status === undefined) return { status: 500, body: error.code === GrpcStatus.INTERNAL ? internalBody(detail?.reason) : INTERNAL };
    if (!detail) {
      const fixed = TRANSPORT_FAILURE[error.code];
      return fixed ? { status, body: fixed } : { status: 500, body: INTERNAL };
    }
    const jsonField = detail.field ? (fieldNames[detail.field] ?? detail.field) : undefined;
    const message =
      jsonField && jsonField !== detail.field && error.details.startsWith(detail.field) ? jsonField + error.details.slice(detail.field.length) : error.details;
    const mapped = { status, body: withField({ message, reason: detail.reason || GrpcStatus[error.code] }, jsonField) };
    const retryAfter = Number(error.metadata.get(RETRY_AFTER_KEY)[0]);
    return Number.isInteger(retryAfter) && retryAfter > 0 ? { ...mapped, retryAfterSeconds: retryAfter } : mapped;
  }
  return { status: 500, body: INTERNAL };
}

/** A misconfiguration the catalogue names keeps its reason and catalogue message; anything else is the bare INTERNAL. */
function internalBody(reason: string | undefined): ErrorBody {
  return reason !== undefined && isReason(reason) && REASONS[reason].kind === 'internal' ? { message: REASONS[reason].message, reason } : INTERNAL;
}

function withField(body: ErrorBody, field: string | undefined): ErrorBody {
  return field ? { ...body, field } : body;
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error;
}
