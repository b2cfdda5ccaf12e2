/**
 * The standard rich error model (google.rpc.Status in `grpc-status-details-bin`, AIP-193),
 * so Go's `status.FromError(err).Details()`, Python's `rpc_status.from_call(call)` and other
 * languages' stock helpers read the reason and the field at fault with no client-auth code.
 * Its reading, for TypeScript clients, is in the SDK (src/sdk/error-details.ts).
 */
import type { status } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, RetryInfo } from '../../../gen/google/rpc/error_details.js';
import { Status } from '../../../gen/google/rpc/status.js';
import { BAD_REQUEST_TYPE, ERROR_DOMAIN, ERROR_INFO_TYPE, RETRY_INFO_TYPE } from '../../sdk/error-details.js';

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
