/** Asks the gRPC server's grpc.health.v1 service whether ClientAuth is serving. */
import { ChannelCredentials, makeGenericClientConstructor, type Client, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { ClientAuthService } from '../gen/clientauth/v1/client_auth.js';

/** SERVING, NOT_SERVING, UNKNOWN, or UNREACHABLE when the check itself failed. */
export type UpstreamStatus = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'SERVICE_UNKNOWN' | 'UNREACHABLE';

export interface UpstreamHealth {
  check(deadlineMs: number): Promise<UpstreamStatus>;
  close(): void;
}

type HealthClient = Client & {
  Check(request: { service: string }, options: { deadline: number }, callback: (error: ServiceError | null, response?: { status: string }) => void): void;
};

/** "clientauth.v1.ClientAuth", from the generated definition rather than the server's code. */
const SERVICE_NAME = ClientAuthService.login.path.split('/')[1]!;

const HealthClientConstructor = makeGenericClientConstructor(healthService as unknown as ServiceDefinition, 'grpc.health.v1.Health');

export function upstreamHealth(address: string, credentials = ChannelCredentials.createInsecure()): UpstreamHealth {
  const client = new HealthClientConstructor(address, credentials) as unknown as HealthClient;
  return {
    check: (deadlineMs) =>
      new Promise((resolve) => {
        client.Check({ service: SERVICE_NAME }, { deadline: Date.now() + deadlineMs }, (error, response) => {
          resolve(error || !response ? 'UNREACHABLE' : (response.status as UpstreamStatus));
        });
      }),
    close: () => client.close(),
  };
}

/** The part of grpc-health-check's HealthImplementation that registers its handlers. */
export interface HealthService {
  addToServer(server: { addService(definition: unknown, implementation: Record<string, unknown>): void }): void;
}

type CheckHandler = (
  call: { request: { service: string } },
  callback: (error: unknown, response?: { status: string }) => void,
) => void;

/**
 * The same question asked of the health service in this process: its own Check handler,
 * taken the way a server would take it, so the answer follows every setStatus.
 */
export function inProcessHealth(health: HealthService): UpstreamHealth {
  let check: CheckHandler | undefined;
  health.addToServer({ addService: (_definition, implementation) => (check = implementation['check'] as CheckHandler) });
  return {
    check: () =>
      new Promise((resolve) => {
        check!({ request: { service: SERVICE_NAME } }, (error, response) => {
          resolve(error || !response ? 'UNREACHABLE' : (response.status as UpstreamStatus));
        });
      }),
    close: () => {},
  };
}
