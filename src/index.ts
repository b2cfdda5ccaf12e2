/**
 * The package's public surface for service authors: the typed promise client, the
 * generated client and message types, the reader of error reasons, and the
 * RevocationWatcher for gateways that verify tokens themselves.
 */

export { Client, ClientKind, DeletionRequest, ErrorDetail } from '../gen/clientauth/v1/client.js';
export * from '../gen/clientauth/v1/client_auth.js';
export { GetOidcClientRequest, GetOidcClientResponse, OidcClient, SetOidcClientRequest, SetOidcClientResponse } from '../gen/clientauth/v1/oidc_clients.js';
export {
  RevocationEvent,
  RevocationEventType,
  RevocationHeartbeat,
  RevocationSnapshot,
  RevokedEntry,
  WatchRevocationsRequest,
  WatchRevocationsResponse,
} from '../gen/clientauth/v1/revocation_feed.js';
export { GetJwksRequest, GetJwksResponse, JsonWebKey, RotateSigningKeyRequest, RotateSigningKeyResponse } from '../gen/clientauth/v1/signing_keys.js';
export { IDEMPOTENT_METHODS, type RetryOptions } from './sdk/retry-policy.js';
export type { RevocationWatcherOptions, WatchedClaims } from './sdk/revocation-watcher.js';
export { RevocationWatcher } from './sdk/revocation-watcher.js';
export type { ClientAuthCallOptions, ClientAuthClientOptions, ClientAuthPromiseClient, RichStatusDetails } from './sdk/typed-client.js';
export { createClientAuthClient, ERROR_DOMAIN, errorDetailOf, richStatusOf } from './sdk/typed-client.js';
