/** Audit records as the bridge answers them, with the snake_case names of the API. */
import { type AuditEvent, AuditOutcome } from '../../gen/clientauth/v1/audit.js';
import { timeJson } from './client-json.js';

export interface AuditEventJson {
  id: string;
  time: string | null;
  type: string;
  outcome: 'success' | 'failure' | 'unspecified';
  actor_id: string;
  target_client_id: string;
  session_id: string;
  client_ip: string;
  user_agent: string;
  reason: string;
}

export function auditEventJson(event: AuditEvent): AuditEventJson {
  return {
    id: event.id,
    time: timeJson(event.time),
    type: event.type,
    outcome:
      event.outcome === AuditOutcome.AUDIT_OUTCOME_SUCCESS ? 'success' : event.outcome === AuditOutcome.AUDIT_OUTCOME_FAILURE ? 'failure' : 'unspecified',
    actor_id: event.actorId,
    target_client_id: event.targetClientId,
    session_id: event.sessionId,
    client_ip: event.clientIp,
    user_agent: event.userAgent,
    reason: event.reason,
  };
}

/** Every field of a record, as ListAuditEvents gives it: what the console's export writes, one record a line. */
export interface AuditRecordJson extends AuditEventJson {
  request_id: string;
  email: string;
  groups_before: string[];
  groups_after: string[];
  repeated: number;
  method: string;
  key_id: string;
  grant_type: string;
}

export function auditRecordJson(event: AuditEvent): AuditRecordJson {
  return {
    ...auditEventJson(event),
    request_id: event.requestId,
    email: event.email,
    groups_before: event.groupsBefore,
    groups_after: event.groupsAfter,
    repeated: event.repeated,
    method: event.method,
    key_id: event.keyId,
    grant_type: event.grantType,
  };
}
