import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import type { UseCases } from '../../bootstrap/use-cases.js';
import { gatewayCheck } from '../shared/gateway-identity.js';
import { cidrList } from '../shared/ip-address.js';
import { CallGate } from './call-gate.js';
import { extAuthzService } from './ext-authz.js';
import { clientAuthService } from './handlers.js';
import { HealthStatuses } from './health.js';
import { addReflection } from './reflection.js';
import { keepServerStreamsInTables, type StreamTableCount, stopPretenuring } from './stream-table.js';
import { TURN_BUDGET_MS, TurnBudget } from './turn-budget.js';
import type { UnaryOptions } from './unary.js';

export const SERVICE_NAME = 'clientauth.v1.ClientAuth';

export interface GrpcServerOptions extends Omit<UnaryOptions, 'trustedProxies' | 'turns'> {
  /** Larger requests are refused with RESOURCE_EXHAUSTED before any handler runs. */
  maxMessageBytes: number;
  /** The access-token cookie as browsers send it, for ext_authz (default `token`). */
  accessCookieName?: string;
  /** CIDRs of the proxies whose `x-client-ip` metadata is believed (TRUSTED_PROXY_CIDRS; none when absent: only this process's bridge is). */
  trustedProxies?: readonly string[];
}

export interface RunningGrpcServer {
  server: Server;
  port: number;
  health: HealthStatuses;
  /** The handlers the server runs, for an in-process client in the same process. */
  handlers: ClientAuthServer;
  /** Passed by this process's bridge while the server drains (see CallGate). */
  internalPass: string;
  /** Its HTTP/2 sessions so far, and how many keep their streams in a StreamTable (see stream-table.ts). */
  streamTables: StreamTableCount;
  /** At once: health says NOT_SERVING and new calls end UNAVAILABLE; running calls go on. */
  stopTakingCalls(): void;
  /** Stops taking calls, lets running ones finish (bounded), then closes. */
  shutdown(graceMs?: number): Promise<void>;
}

/** Builds the server: ClientAuth, Envoy's ext_authz, grpc.health.v1 and reflection (so grpcurl can list and describe). */
export function createGrpcServer(useCases: UseCases, options: GrpcServerOptions): { server: Server; health: HealthStatuses; handlers: ClientAuthServer } {
  const server = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.keepalive_permit_without_calls': 1,
  });
  // One budget for every service of the server: they share one event loop.
  const unaryOptions = { ...options, trustedProxies: cidrList(options.trustedProxies ?? []), turns: new TurnBudget(TURN_BUDGET_MS) };
  const { definition, handlers } = clientAuthService(useCases, unaryOptions);
  server.addService(definition, handlers);
  const accessCookieName = options.accessCookieName ?? 'token';
  const extAuthz = extAuthzService(gatewayCheck(useCases), { ...unaryOptions, accessCookieName });
  server.addService(extAuthz.definition, extAuthz.handlers);

  const health = new HealthStatuses({ '': 'SERVING', [SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);

  addReflection(server);
  return { server, health, handlers };
}

/** Binds to host:port (0 picks a free one) and starts serving. */
export async function startGrpcServer(useCases: UseCases, address: { host: string; port: number }, options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const gate = new CallGate();
  const { server, health, handlers } = createGrpcServer(useCases, { ...options, gate });
  const stopTakingCalls = () => {
    gate.close();
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(SERVICE_NAME, 'NOT_SERVING');
  };
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${address.host}:${address.port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  // Before the first connection's session opens (sessions open on a later turn). Both keep
  // the calls of a long-lived connection from being promoted wholesale (see stream-table.ts).
  stopPretenuring();
  const streamTables = keepServerStreamsInTables(server, (reason) =>
    options.log.warn({ reason }, "HTTP/2 sessions keep their streams in Node's Map: calls on long-lived connections cost more GC"),
  );
  return {
    server,
    port,
    health,
    handlers,
    internalPass: gate.internalPass,
    streamTables,
    stopTakingCalls,
    shutdown: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        stopTakingCalls();
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
