/**
 * The package's public surface for service authors: the typed promise client, the
 * generated client and message types, the reader of error reasons, and the
 * RevocationWatcher for gateways that verify tokens themselves.
 */
export { createClientAuthClient, errorDetailOf, richStatusOf, ERROR_DOMAIN } from './client';
export type { RichStatusDetails } from './client';
export { IDEMPOTENT_METHODS, type RetryOptions } from './client-retry';
export type { ClientAuthCallOptions, ClientAuthClientOptions, ClientAuthPromiseClient } from './client';
export { RevocationWatcher } from './revocation-watcher';
export type { RevocationWatcherOptions, WatchedClaims } from './revocation-watcher';
export * from '../gen/clientauth/v1/client_auth';
export {
  RevocationEvent,
  RevocationEventType,
  RevocationHeartbeat,
  RevocationSnapshot,
  RevokedEntry,
  WatchRevocationsRequest,
  WatchRevocationsResponse,
} from '../gen/clientauth/v1/revocation_feed';
export { GetJwksRequest, GetJwksResponse, JsonWebKey, RotateSigningKeyRequest, RotateSigningKeyResponse } from '../gen/clientauth/v1/signing_keys';
export { Client, ClientKind, DeletionRequest, ErrorDetail } from '../gen/clientauth/v1/client';
