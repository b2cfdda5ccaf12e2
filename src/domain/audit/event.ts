/**
 * The audit trail's record: who did what to which client, from where. One record per
 * security-relevant event, written by the use case that causes it. A record never holds a
 * password, token, code or secret: its fields are ids, names, reasons and groups only.
 */

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
  'second_factor.reset',
  'token.refreshed',
  'refresh_token.reused',
  'logout',
  'password.changed',
  'password.reset',
  'email.verified',
  'service_token.issued',
  'service.registered',
  'service_secret.reset',
  'groups.changed',
  'client.suspended',
  'client.reinstated',
  'client.deleted',
  'admin.bootstrapped',
  'signing_key.rotated',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export type AuditOutcome = 'success' | 'failure';

/** The actor of a call made without credentials (a login, a registration). */
export const ANONYMOUS = 'anonymous';
/** The actor of what the service does on its own (the admin bootstrap at start-up). */
export const SYSTEM = 'system';

/** Where a request came from, as the transport saw it; '' where it could not tell. */
export interface RequestContext {
  /** The end client's IP: the gRPC peer's, or the browser's as the bridge saw it. */
  readonly ip: string;
  readonly userAgent: string;
  readonly requestId: string;
}

/** The context of work no request caused (start-up, background jobs). */
export const NO_REQUEST: RequestContext = Object.freeze({ ip: '', userAgent: '', requestId: '' });

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
