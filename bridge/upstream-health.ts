/** Asks the gRPC server's grpc.health.v1 service whether ClientAuth is serving. */
import { ChannelCredentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { ClientAuthService } from '../gen/clientauth/v1/client_auth.js';
import { type HealthCheckResponse, HealthClient, type HealthServer, healthCheckResponse_ServingStatusToJSON } from '../gen/grpc/health/v1/health.js';

/** SERVING, NOT_SERVING, UNKNOWN, or UNREACHABLE when the check itself failed. */
export type UpstreamStatus = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'SERVICE_UNKNOWN' | 'UNREACHABLE';

export interface UpstreamHealth {
  check(deadlineMs: number): Promise<UpstreamStatus>;
  close(): void;
}

/** "clientauth.v1.ClientAuth", from the generated definition rather than the server's code. */
const SERVICE_NAME = ClientAuthService.login.path.split('/')[1]!;

export function upstreamHealth(address: string, credentials = ChannelCredentials.createInsecure()): UpstreamHealth {
  const client = new HealthClient(address, credentials);
  return {
    check: (deadlineMs) =>
      new Promise((resolve) => {
        client.check(
          { service: SERVICE_NAME },
          new Metadata(),
          { deadline: Date.now() + deadlineMs },
          (error: ServiceError | null, response?: HealthCheckResponse) => {
            resolve(statusOf(error, response));
          },
        );
      }),
    close: () => client.close(),
  };
}

/** The part of the server's health service (src/transport/grpc/health.ts) a bridge in the same process asks. */
export interface HealthService {
  handlers(): Pick<HealthServer, 'check'>;
}

/**
 * The same question asked of the health service in this process: its own Check handler,
 * called the way a server would call it, so the answer follows every setStatus.
 */
export function inProcessHealth(health: HealthService): UpstreamHealth {
  const { check } = health.handlers();
  return {
    check: () =>
      new Promise((resolve) => {
        const call = { request: { service: SERVICE_NAME } } as Parameters<typeof check>[0];
        check(call, (error, response) => resolve(statusOf(error, response ?? undefined)));
      }),
    close: () => {},
  };
}

function statusOf(error: unknown, response: HealthCheckResponse | undefined): UpstreamStatus {
  return error || !response ? 'UNREACHABLE' : (healthCheckResponse_ServingStatusToJSON(response.status) as UpstreamStatus);
}
