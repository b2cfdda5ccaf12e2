/**
 * Reading the reason of a failed call. Every error carries it three ways: the standard rich
 * error model (google.rpc.Status in `grpc-status-details-bin`, AIP-193), which stock helpers
 * of every language read; client-auth's own ErrorDetail; and the plain `clientauth-reason`.
 */
import type { Metadata } from '@grpc/grpc-js';
import { ErrorDetail } from '../../gen/clientauth/v1/client.js';
import { BadRequest, ErrorInfo, RetryInfo } from '../../gen/google/rpc/error_details.js';
import { Status } from '../../gen/google/rpc/status.js';

/** Trailing metadata key of the serialized google.rpc.Status. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
/** Trailing metadata keys of client-auth's own ErrorDetail, and of its reason alone. */
export const ERROR_DETAIL_KEY = 'clientauth-error-bin';
export const REASON_KEY = 'clientauth-reason';
/** Seconds after which a RESOURCE_EXHAUSTED call may be tried again (like HTTP's Retry-After). */
export const RETRY_AFTER_KEY = 'retry-after';

/** The ErrorInfo domain of every client-auth reason. */
export const ERROR_DOMAIN = 'clientauth.v1';

const TYPE_PREFIX = 'type.googleapis.com/';
export const ERROR_INFO_TYPE = `${TYPE_PREFIX}google.rpc.ErrorInfo`;
export const BAD_REQUEST_TYPE = `${TYPE_PREFIX}google.rpc.BadRequest`;
export const RETRY_INFO_TYPE = `${TYPE_PREFIX}google.rpc.RetryInfo`;

/** The ErrorInfo and BadRequest of a failed call's trailers, for TypeScript clients. */
export interface RichStatusDetails {
  status: Status;
  errorInfo?: ErrorInfo;
  badRequest?: BadRequest;
  retryInfo?: RetryInfo;
}

/** Decodes `grpc-status-details-bin` from an error of a call; null when it has none. */
export function richStatusOf(error: { metadata?: Metadata }): RichStatusDetails | null {
  const value = error.metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!Buffer.isBuffer(value)) return null;
  const decoded: RichStatusDetails = { status: Status.decode(value) };
  for (const detail of decoded.status.details) {
    if (detail.typeUrl === ERROR_INFO_TYPE) decoded.errorInfo = ErrorInfo.decode(detail.value);
    if (detail.typeUrl === BAD_REQUEST_TYPE) decoded.badRequest = BadRequest.decode(detail.value);
    if (detail.typeUrl === RETRY_INFO_TYPE) decoded.retryInfo = RetryInfo.decode(detail.value);
  }
  return decoded;
}

/** Reads the reason and field a client-auth error carries. */
export function errorDetailOf(error: { metadata?: Metadata }): ErrorDetail | null {
  const value = error.metadata?.get(ERROR_DETAIL_KEY)[0];
  return Buffer.isBuffer(value) ? ErrorDetail.decode(value) : null;
}
