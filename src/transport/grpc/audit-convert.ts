/** Audit records and filters to and from their generated protobuf shapes. */
import { type AuditEvent as ProtoEvent, AuditOutcome as ProtoOutcome } from '../../../gen/clientauth/v1/audit.js';
import type { ListAuditEventsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import type { AuditEvent } from '../../domain/audit/ports.js';
import type { AuditFilters, AuditPage } from '../../domain/audit/trail.js';
import { normalizeIp } from '../shared/ip-address.js';

export function auditEventToProto(event: AuditEvent): ProtoEvent {
  return {
    id: event.id,
    time: event.at,
    type: event.type,
    outcome: event.outcome === 'success' ? ProtoOutcome.AUDIT_OUTCOME_SUCCESS : ProtoOutcome.AUDIT_OUTCOME_FAILURE,
    actorId: event.actor,
    targetClientId: event.target,
    sessionId: event.sessionId,
    clientIp: event.ip,
    userAgent: event.userAgent,
    requestId: event.requestId,
    reason: event.details.reason ?? '',
    email: event.details.email ?? '',
    groupsBefore: event.details.groupsBefore ?? [],
    groupsAfter: event.details.groupsAfter ?? [],
    repeated: event.details.repeated ?? 0,
    method: event.details.method ?? '',
    keyId: event.details.keyId ?? '',
    grantType: event.details.grantType ?? '',
  };
}

export function auditPageToProto(page: AuditPage): { events: ProtoEvent[]; nextPageToken: string } {
  return { events: page.events.map(auditEventToProto), nextPageToken: page.nextPageToken };
}

export function auditFiltersFromProto(request: ListAuditEventsRequest): AuditFilters {
  const outcome = outcomeFromProto(request.outcome);
  return {
    pageSize: request.pageSize,
    pageToken: request.pageToken,
    targetClientId: request.targetClientId,
    actorId: request.actorId,
    type: request.type,
    ...(outcome ? { outcome } : {}),
    // Normalised as the recorder stores it (an IPv4-mapped address as IPv4); the use case refuses what is no IP.
    ...(request.clientIp !== '' ? { clientIp: normalizeIp(request.clientIp) || 'invalid' } : {}),
    ...(request.startTime ? { from: request.startTime } : {}),
    ...(request.endTime ? { to: request.endTime } : {}),
  };
}

/** UNSPECIFIED means either; an unknown value is refused by the use case, after its permission check. */
function outcomeFromProto(outcome: ProtoOutcome): AuditFilters['outcome'] {
  switch (outcome) {
    case ProtoOutcome.AUDIT_OUTCOME_UNSPECIFIED:
      return undefined;
    case ProtoOutcome.AUDIT_OUTCOME_SUCCESS:
      return 'success';
    case ProtoOutcome.AUDIT_OUTCOME_FAILURE:
      return 'failure';
    default:
      return 'invalid';
  }
}
