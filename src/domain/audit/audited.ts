/**
 * Records the outcome of a use case whose failures are events too (a failed login, a
 * wrong service secret): the record is made once the answer is decided, success or not.
 */
import type { AuditInput, RequestContext } from './audit-event.js';
import type { AuditRecorder } from './audit.js';
import { DomainError, type Reason } from './errors.js';

/**
 * Failures that say nothing about anyone's security: a malformed request, a store outage, a
 * login shed because the server is busy hashing (a storm would otherwise flood the trail).
 */
const UNRECORDED: ReadonlySet<Reason> = new Set(['INVALID_ARGUMENT', 'UNAVAILABLE', 'SERVER_BUSY']);

export interface OutcomeRecords<T> {
  success(result: T): AuditInput;
  /** The record of a failure for `reason`, or null when it deserves none. */
  failure(reason: Reason): AuditInput | null;
  /** Failures of one key within a minute make one record (see AuditRecorder). */
  coalesceKey?(failure: AuditInput): string | undefined;
}

export async function audited<T extends R, R>(
  audit: AuditRecorder,
  request: RequestContext,
  work: () => Promise<T>,
  records: OutcomeRecords<R>,
): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    const failure = error instanceof DomainError && !UNRECORDED.has(error.reason) ? records.failure(error.reason) : null;
    if (failure) audit.record(failure, request, records.coalesceKey?.(failure));
    throw error;
  }
  audit.record(records.success(result), request);
  return result;
}
