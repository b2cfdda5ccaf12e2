import { status } from '@grpc/grpc-js';

/**
 * The HTTP status of each gRPC status a caller may see, for every HTTP face of the
 * service: the bridge's error responses and ext_authz's denied responses.
 */
export const HTTP_STATUS_OF: Partial<Record<status, number>> = {
  [status.INVALID_ARGUMENT]: 400,
  [status.FAILED_PRECONDITION]: 400,
  [status.UNAUTHENTICATED]: 401,
  [status.PERMISSION_DENIED]: 403,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.UNAVAILABLE]: 503,
  // An upstream that never answers is as unavailable as one that refuses connections.
  [status.DEADLINE_EXCEEDED]: 503,
};
