/** The JSON the bridge answers with: the gRPC messages with the original snake_case names. */
import { type Client, ClientKind, type DeletionRequest } from '../../gen/clientauth/v1/client.js';

export interface ClientJson {
  id: string;
  kind: 'user' | 'service' | 'unspecified';
  email: string;
  first_name: string;
  last_name: string;
  phone_number: string;
  name: string;
  groups: string[];
  attributes: Record<string, string>;
  suspended: boolean;
  suspension_reason: string;
  suspend_time: string | null;
  suspended_by: string;
  create_time: string | null;
  update_time: string | null;
  email_verified: boolean;
  email_verify_time: string | null;
}

export interface DeletionRequestJson {
  client_id: string;
  kind: ClientJson['kind'];
  request_time: string | null;
  requested_by: string;
  delivered: boolean;
  deliver_time: string | null;
}

export function clientJson(client: Client | undefined): ClientJson {
  if (!client) throw new Error('the service answered without a client');
  return {
    id: client.id,
    kind: kindJson(client.kind),
    email: client.email,
    first_name: client.firstName,
    last_name: client.lastName,
    phone_number: client.phoneNumber,
    name: client.name,
    groups: client.groups,
    attributes: client.attributes,
    suspended: client.suspended,
    suspension_reason: client.suspensionReason,
    suspend_time: timeJson(client.suspendTime),
    suspended_by: client.suspendedBy,
    create_time: timeJson(client.createTime),
    update_time: timeJson(client.updateTime),
    email_verified: client.emailVerified,
    email_verify_time: timeJson(client.emailVerifyTime),
  };
}

export function deletionRequestJson(request: DeletionRequest | undefined): DeletionRequestJson {
  if (!request) throw new Error('the service answered without a deletion request');
  return {
    client_id: request.clientId,
    kind: kindJson(request.kind),
    request_time: timeJson(request.requestTime),
    requested_by: request.requestedBy,
    delivered: request.delivered,
    deliver_time: timeJson(request.deliverTime),
  };
}

export function timeJson(time: Date | undefined): string | null {
  return time ? time.toISOString() : null;
}

function kindJson(kind: ClientKind): ClientJson['kind'] {
  switch (kind) {
    case ClientKind.CLIENT_KIND_USER:
      return 'user';
    case ClientKind.CLIENT_KIND_SERVICE:
      return 'service';
    default:
      return 'unspecified';
  }
}
