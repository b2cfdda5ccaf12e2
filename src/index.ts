/**
 * The package's public surface for service authors: the typed promise client, the
 * generated client and message types, and the reader of error reasons.
 */
export { createClientAuthClient, errorDetailOf, richStatusOf, ERROR_DOMAIN } from './client';
export type { RichStatusDetails } from './client';
export { IDEMPOTENT_METHODS, type RetryOptions } from './client-retry';
export type { ClientAuthCallOptions, ClientAuthClientOptions, ClientAuthPromiseClient } from './client';
export * from '../gen/clientauth/v1/client_auth';
export { Client, ClientKind, DeletionRequest, ErrorDetail } from '../gen/clientauth/v1/client';
