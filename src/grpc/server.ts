import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { ClientAuthService } from '../../gen/clientauth/v1/client_auth';
import type { UseCases } from '../domain/use-cases';
import { clientAuthHandlers } from './handlers';
import { addReflection } from './reflection';
import type { UnaryOptions } from './unary';

export const SERVICE_NAME = 'clientauth.v1.ClientAuth';

export interface GrpcServerOptions extends UnaryOptions {
  /** Larger requests are refused with RESOURCE_EXHAUSTED before any handler runs. */
  maxMessageBytes: number;
}

export interface RunningGrpcServer {
  server: Server;
  port: number;
  health: HealthImplementation;
  /** Stops taking calls, lets running ones finish (bounded), then closes. */
  shutdown(graceMs?: number): Promise<void>;
}

/** Builds the server: ClientAuth, grpc.health.v1 and reflection (so grpcurl can list and describe). */
export function createGrpcServer(useCases: UseCases, options: GrpcServerOptions): { server: Server; health: HealthImplementation } {
  const server = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.keepalive_permit_without_calls': 1,
  });
  server.addService(ClientAuthService, clientAuthHandlers(useCases, options));

  const health = new HealthImplementation({ '': 'SERVING', [SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);

  addReflection(server);
  return { server, health };
}

/** Binds to host:port (0 picks a free one) and starts serving. */
export async function startGrpcServer(useCases: UseCases, address: { host: string; port: number }, options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { server, health } = createGrpcServer(useCases, options);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${address.host}:${address.port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    server,
    port,
    health,
    shutdown: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        health.setStatus(SERVICE_NAME, 'NOT_SERVING');
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
