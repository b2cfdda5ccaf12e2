import type { Metadata, status } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, RetryInfo } from '../../gen/google/rpc/error_details.js';
import { Status } from '../../gen/google/rpc/status.js';

/**
 * The standard rich error model (google.rpc.Status in `grpc-status-details-bin`, AIP-193),
 * so Go's `status.FromError(err).Details()`, Python's `rpc_status.from_call(call)` and other
 * languages' stock helpers read the reason and the field at fault with no client-auth code.
 */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** The ErrorInfo domain of every client-auth reason. */
export const ERROR_DOMAIN = 'clientauth.v1';

const TYPE_PREFIX = 'type.googleapis.com/';
const ERROR_INFO_TYPE = `${TYPE_PREFIX}google.rpc.ErrorInfo`;
const BAD_REQUEST_TYPE = `${TYPE_PREFIX}google.rpc.BadRequest`;
const RETRY_INFO_TYPE = `${TYPE_PREFIX}google.rpc.RetryInfo`;

/** What a failed call says, in the terms of the rich error model. */
export interface RichError {
  code: status;
  message: string;
  reason: string;
  /** The request field at fault (proto field name), for INVALID_ARGUMENT. */
  field?: string | undefined;
  /** For a refusal that ends by itself (RESOURCE_EXHAUSTED): seconds before a retry may succeed. */
  retryAfterSeconds?: number | undefined;
}

/** The serialized google.rpc.Status: an ErrorInfo always, a BadRequest when a field is at fault. */
export function encodeRichStatus(error: RichError): Buffer {
  const metadata: Record<string, string> = error.field ? { field: error.field } : {};
  const details = [{ typeUrl: ERROR_INFO_TYPE, value: Buffer.from(ErrorInfo.encode({ reason: error.reason, domain: ERROR_DOMAIN, metadata }).finish()) }];
  if (error.field) {
    const violation = { field: error.field, description: error.message, reason: error.reason, localizedMessage: undefined };
    details.push({ typeUrl: BAD_REQUEST_TYPE, value: Buffer.from(BadRequest.encode({ fieldViolations: [violation] }).finish()) });
  }
  if (error.retryAfterSeconds !== undefined) {
    const retryDelay = { seconds: error.retryAfterSeconds, nanos: 0 };
    details.push({ typeUrl: RETRY_INFO_TYPE, value: Buffer.from(RetryInfo.encode({ retryDelay }).finish()) });
  }
  return Buffer.from(Status.encode({ code: error.code, message: error.message, details }).finish());
}

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
