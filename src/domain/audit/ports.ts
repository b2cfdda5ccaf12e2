/**
 * The audit trail's door. Its record: who did what to which client, from where. One record
 * per security-relevant event, written by the use case that causes it. A record never holds
 * a password, token, code or secret: its fields are ids, names, reasons and groups only.
 * The ports: the recorder the use cases call, where records are stored and read back, and
 * where they are streamed.
 */
import type { Reason } from '../kernel/errors.js';
import type { RequestContext } from '../kernel/request.js';

/** The events of a sign-in: what ListMySignIns shows a client of its own account. */
export const SIGN_IN_TYPES = [
  'login.succeeded',
  'login.failed',
  'login.throttled',
  'login.second_factor_required',
  'second_factor.passed',
  'second_factor.failed',
] as const;

/** Every kind of event the trail records. Names are stable: SIEM rules match on them. */
export const AUDIT_EVENT_TYPES = [
  'client.registered',
  ...SIGN_IN_TYPES,
  'second_factor.enrolled',
  'second_factor.removed',
  'second_factor.renamed',
  'second_factor.reset',
  'recovery_codes.regenerated',
  'token.refreshed',
  'refresh_token.reused',
  'logout',
  'session.ended',
  'password.changed',
  'profile.updated',
  'password.reset',
  'email.verified',
  'service_token.issued',
  'service.registered',
  'service_secret.reset',
  'oidc_client.set',
  'oidc_token.issued',
  'groups.changed',
  'client.suspended',
  'client.reinstated',
  'client.deleted',
  'admin.bootstrapped',
  'signing_key.rotated',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export type AuditOutcome = 'success' | 'failure';

/** The few typed facts an event may carry beyond who and whom. */
export interface AuditDetails {
  /** Why it failed (a reason of the error catalogue) or, for a suspension, the admin's reason. */
  reason?: string;
  /** The email a login or registration named (it may belong to no client). */
  email?: string;
  groupsBefore?: string[];
  groupsAfter?: string[];
  /** The factor a login or an enrolment used: totp, recovery_code or passkey. */
  method?: string;
  /** The `kid` of a signing key (signing_key.rotated). */
  keyId?: string;
  /** The OAuth 2.0 grant type of a token the OpenID Provider issued (oidc_token.issued). */
  grantType?: string;
  /** For an event coalesced with others like it: how many were folded into this one. */
  repeated?: number;
}

/** What a use case says happened; the recorder adds the id, the time and the request. */
export interface AuditInput {
  type: AuditEventType;
  outcome: AuditOutcome;
  /** The client id of whoever acted, or ANONYMOUS, or SYSTEM. */
  actor: string;
  /** The client acted upon ('' when none is known, e.g. a login for an unknown email). */
  target: string;
  sessionId?: string;
  details?: AuditDetails;
  /**
   * Finds the target after the answer went out, when finding it would slow a refusal (a
   * throttled login). Called only for events that are not coalesced away.
   */
  findTarget?: () => Promise<string>;
}

export interface AuditEvent {
  /** Time-ordered (UUIDv7): records sort by id as they sort by time. */
  id: string;
  at: Date;
  type: AuditEventType;
  outcome: AuditOutcome;
  actor: string;
  target: string;
  sessionId: string;
  ip: string;
  userAgent: string;
  requestId: string;
  details: AuditDetails;
}

export function isAuditEventType(value: string): value is AuditEventType {
  return (AUDIT_EVENT_TYPES as readonly string[]).includes(value);
}

/** What a use case needs of the recorder. */
export interface AuditRecorder {
  /**
   * Records one event. With `coalesceKey`, events of one key within a minute make one
   * record (the next one after the minute says how many were folded in): a flood of
   * refusals leaves a bounded trail.
   */
  record(input: AuditInput, request?: RequestContext, coalesceKey?: string): void;
  /**
   * Runs `work` (a credential check whose failures are events too: a failed login, a wrong
   * service secret) and records its outcome once the answer is decided, success or not.
   * Failures that say nothing about anyone's security (a malformed request, an outage, a
   * login shed while the server is busy) are not recorded.
   */
  outcome<T extends R, R>(request: RequestContext, work: () => Promise<T>, records: OutcomeRecords<R>): Promise<T>;
  /**
   * Runs an admin action (`work`, which records its own success) and records its refusal
   * by the service: one event of `attempt.type`, outcome failure, with the refusal's reason
   * (the last admin, an unknown client, a caller who is not an admin). Refusals of a
   * malformed request or during an outage are not recorded, as for `outcome`. A target that
   * is not a client id is recorded as '' (it is the caller's text), and the permission
   * refusals of one caller for one action make one record a minute.
   */
  refusals<T>(request: RequestContext, attempt: AdminAttempt, work: () => Promise<T>): Promise<T>;
  /** Writes what has been recorded so far; readers of the trail call it first, to read their own writes. */
  flush(): Promise<void>;
}

/** An admin action as its refusal is recorded: which, by whom, on which client ('' for none). */
export interface AdminAttempt {
  type: AuditEventType;
  actor: string;
  target: string;
}

/** How the outcomes of one kind of credential check read in the trail. */
export interface OutcomeRecords<T> {
  success(result: T): AuditInput;
  /** The record of a failure for `reason`, or null when it deserves none. */
  failure(reason: Reason): AuditInput | null;
  /** Failures of one key within a minute make one record (see AuditRecorder.record). */
  coalesceKey?(failure: AuditInput): string | undefined;
}

/** Filters and paging of `AuditLog.list`. */
export interface AuditQuery {
  /** The client acted upon. */
  target?: string;
  actor?: string;
  types?: readonly AuditEventType[];
  outcome?: AuditOutcome;
  /** The client IP, as the recorder stored it (normalised, see RequestContext.ip). */
  ip?: string;
  /** Records at or after this time. */
  from?: Date;
  /** Records before this time. */
  to?: Date;
  /** Return only ids less than this (the paging cursor). */
  beforeId?: string;
  limit: number;
}

/**
 * Stores the audit trail.
 * - `append` is idempotent by id: a batch retried after a failure stores each record once.
 * - `list` returns records newest first (id descending), so paging with `beforeId` is
 *   stable while records are appended. It reads every filter (target, actor, client IP,
 *   time range) from an index, never a scan of the trail.
 * - `sweep` removes every record older than `before` and returns how many (stores without
 *   TTL indexes, FerretDB among them, need it).
 * - When the store cannot be reached, every method rejects with `UnavailableError`.
 */
export interface AuditLog {
  append(events: readonly AuditEvent[]): Promise<void>;
  list(query: AuditQuery): Promise<AuditEvent[]>;
  sweep(before: Date): Promise<number>;
}

/**
 * Publishes audit records for shippers (a SIEM). At least once: a batch may be published
 * again after a failure, and consumers dedupe by the record's id.
 */
export interface AuditStream {
  publish(events: readonly AuditEvent[]): Promise<void>;
}
