/** Domain values to and from their generated protobuf shapes. */
import { type Client, type DeletionRequest, ClientKind as ProtoKind } from '../../../gen/clientauth/v1/client.js';
import type { LoginResponse } from '../../../gen/clientauth/v1/client_auth.js';
import type { DeletionRequestView } from '../../domain/clients/deletion.js';
import type { ClientKind, PublicClient } from '../../domain/kernel/client.js';
import type { TokenPair } from '../../domain/sessions/ports.js';

export function kindToProto(kind: ClientKind): ProtoKind {
  return kind === 'user' ? ProtoKind.CLIENT_KIND_USER : ProtoKind.CLIENT_KIND_SERVICE;
}

/** A filter kind: UNSPECIFIED means any; unknown values are refused by the caller. */
export function kindFromProto(kind: ProtoKind): ClientKind | undefined | 'invalid' {
  switch (kind) {
    case ProtoKind.CLIENT_KIND_UNSPECIFIED:
      return undefined;
    case ProtoKind.CLIENT_KIND_USER:
      return 'user';
    case ProtoKind.CLIENT_KIND_SERVICE:
      return 'service';
    default:
      return 'invalid';
  }
}

export function clientToProto(client: PublicClient): Client {
  return {
    id: client.id,
    kind: kindToProto(client.kind),
    email: client.email,
    firstName: client.firstName,
    lastName: client.lastName,
    phoneNumber: client.phoneNumber,
    name: client.name,
    groups: client.groups,
    attributes: client.attributes,
    suspended: client.suspended,
    suspensionReason: client.suspensionReason,
    suspendTime: client.suspendedAt ?? undefined,
    suspendedBy: client.suspendedBy,
    createTime: client.createdAt,
    updateTime: client.updatedAt,
    emailVerified: client.emailVerifiedAt !== null,
    emailVerifyTime: client.emailVerifiedAt ?? undefined,
    lastTokenIssueTime: client.lastTokenIssuedAt ?? undefined,
  };
}

export function deletionRequestToProto(request: DeletionRequestView): DeletionRequest {
  return {
    clientId: request.clientId,
    kind: kindToProto(request.kind),
    requestTime: request.requestedAt,
    requestedBy: request.requestedBy,
    delivered: request.deliveredAt !== null,
    deliverTime: request.deliveredAt ?? undefined,
  };
}

/** Login and RefreshToken answer alike: both tokens, their expiry, and the client. */
export function tokenPairToProto(pair: TokenPair): LoginResponse {
  return {
    accessToken: pair.access.token,
    accessTokenExpireTime: pair.access.expiresAt,
    refreshToken: pair.refresh.token,
    refreshTokenExpireTime: pair.refresh.expiresAt,
    client: clientToProto(pair.client),
    secondFactorChallenge: undefined,
  };
}
