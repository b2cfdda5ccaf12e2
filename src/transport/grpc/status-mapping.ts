import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { ErrorDetail } from '../../../gen/clientauth/v1/client.js';
import { describeError } from '../../domain/kernel/error-text.js';
import { DomainError, type ErrorKind, MisconfigurationError, UnavailableError } from '../../domain/kernel/errors.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { RetryLaterError } from '../../domain/kernel/retry-later.js';
import { ERROR_DETAIL_KEY, REASON_KEY, RETRY_AFTER_KEY, STATUS_DETAILS_KEY } from '../../sdk/error-details.js';
import { encodeRichStatus } from './rich-status.js';

const CODE_OF: Record<ErrorKind, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  unauthenticated: status.UNAUTHENTICATED,
  permission_denied: status.PERMISSION_DENIED,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  failed_precondition: status.FAILED_PRECONDITION,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
  internal: status.INTERNAL,
};

/** The gRPC status of a kind of failure. */
export function grpcCodeOf(kind: ErrorKind): status {
  return CODE_OF[kind];
}

/**
 * The one mapping from any thrown value to a gRPC status. Domain errors keep their
 * message and reason (an unreachable store is one: its adapter says so with
 * `UnavailableError`; a misconfiguration is logged here with what to fix); anything else
 * is INTERNAL with no internal text, and is logged here.
 */
export function toServiceError(error: unknown, log: Logger, method: string): Partial<ServiceError> & { code: status } {
  if (error instanceof DomainError) {
    // A store's failure is news; a draining server's own UNAVAILABLE is not.
    if (error instanceof UnavailableError) log.warn({ method, err: describeError(error.cause ?? error) }, 'dependency unavailable');
    if (error instanceof MisconfigurationError) log.error({ method, reason: error.reason, problem: error.problem }, 'refused: misconfigured');
    const retryAfterSeconds = error instanceof RetryLaterError ? error.retryAfterSeconds : undefined;
    const mapped = withDetail(grpcCodeOf(error.kind), error.message, error.reason, error.field, retryAfterSeconds);
    if (retryAfterSeconds !== undefined) mapped.metadata!.set(RETRY_AFTER_KEY, String(retryAfterSeconds));
    return mapped;
  }
  log.error({ method, err: describeError(error), stack: error instanceof Error ? error.stack : undefined }, 'unexpected error');
  return withDetail(status.INTERNAL, 'internal error', 'INTERNAL');
}

function withDetail(code: status, details: string, reason: string, field?: string, retryAfterSeconds?: number): Partial<ServiceError> & { code: status } {
  const metadata = new Metadata();
  metadata.set(ERROR_DETAIL_KEY, Buffer.from(ErrorDetail.encode({ reason, field: field ?? '' }).finish()));
  metadata.set(REASON_KEY, reason);
  metadata.set(STATUS_DETAILS_KEY, encodeRichStatus({ code, message: details, reason, field, retryAfterSeconds }));
  return { code, details, metadata };
}
