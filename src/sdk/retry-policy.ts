/**
 * The typed client's retry policy: a gRPC service config that grpc-js applies itself
 * (https://github.com/grpc/proposal/blob/master/A6-client-retries.md), so a retried call
 * keeps its one deadline and the caller sees only the last attempt's outcome.
 *
 * Only calls that may run twice with the same effect are retried, and only on UNAVAILABLE
 * (no server reachable, a store down, an instance shutting down): those never changed
 * anything. Login and RegisterService would create a second session or client, and
 * RefreshToken a second rotation, which the server treats as reuse and answers by revoking
 * the session, so they are never retried.
 */
export const IDEMPOTENT_METHODS = [
  'ValidateToken',
  'GetMe',
  'GetJwks',
  'Logout',
  'GetClient',
  'ListClients',
  'ListDeletionRequests',
  'ListSigningKeys',
  'SetClientGroups',
  'SuspendClient',
  'ReinstateClient',
  'DeleteClient',
  'UpdateMyProfile',
  'RenamePasskey',
  'ListMySessions',
  'EndMySession',
  'EndMyOtherSessions',
] as const;

export interface RetryOptions {
  /** Attempts in all, the first included (grpc-js caps it at 5). Default 4. */
  maxAttempts?: number;
  /** Milliseconds before the first retry; each retry waits a random time up to the current backoff. Default 100. */
  initialBackoffMs?: number;
  /** Ceiling of the backoff, in milliseconds. Default 2000. */
  maxBackoffMs?: number;
}

const SERVICE = 'clientauth.v1.ClientAuth';

/** The `grpc.service_config` channel option (JSON) that retries the idempotent calls on UNAVAILABLE. */
export function retryServiceConfig(options: RetryOptions = {}): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(3)}s`;
  return JSON.stringify({
    methodConfig: [
      {
        name: IDEMPOTENT_METHODS.map((method) => ({ service: SERVICE, method })),
        retryPolicy: {
          maxAttempts: options.maxAttempts ?? 4,
          initialBackoff: seconds(options.initialBackoffMs ?? 100),
          maxBackoff: seconds(options.maxBackoffMs ?? 2000),
          backoffMultiplier: 2,
          retryableStatusCodes: ['UNAVAILABLE'],
        },
      },
    ],
  });
}
