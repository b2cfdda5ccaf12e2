import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import type { UseCases } from '../../bootstrap/use-cases.js';
import { gatewayCheck } from '../shared/gateway-identity.js';
import { cidrList } from '../shared/ip-address.js';
import { CallGate } from './call-gate.js';
import { clientIpOf } from './caller-ip.js';
import { extAuthzService } from './ext-authz.js';
import { clientAuthService } from './handlers.js';
import { HealthStatuses } from './health.js';
import { addReflection } from './reflection.js';
import { keepServerStreamsInTables, type StreamTableCount, stopPretenuring } from './stream-table.js';
import { TURN_BUDGET_MS, TurnBudget } from './turn-budget.js';
import type { UnaryOptions } from './unary.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits, WatchStreams } from './watch-streams.js';

export const SERVICE_NAME = 'clientauth.v1.ClientAuth';

export interface GrpcServerOptions extends Omit<UnaryOptions, 'trustedProxies' | 'turns' | 'revocationWatches'> {
  /** Larger requests are refused with RESOURCE_EXHAUSTED before any handler runs. */
  maxMessageBytes: number;
  /** The access-token cookie as browsers send it, for ext_authz (default `token`). */
  accessCookieName?: string;
  /** CIDRs of the proxies whose `x-client-ip` metadata is believed (TRUSTED_PROXY_CIDRS; none when absent: only this process's bridge is). */
  trustedProxies?: readonly string[];
  /** Streams per connection, and watch streams per process and per caller; DEFAULT_STREAM_LIMITS when absent. */
  streams?: StreamLimits;
}

/** The open watch streams, by kind. */
export interface OpenWatches {
  revocations: WatchStreams;
  health: WatchStreams;
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
  /** The watch streams open now. */
  watches: OpenWatches;
  /**
   * At once: health says NOT_SERVING, new calls end UNAVAILABLE, and every watch stream
   * (WatchRevocations, health Watch) ends UNAVAILABLE, its client resuming elsewhere;
   * running calls go on.
   */
  stopTakingCalls(): void;
  /**
   * Stops taking calls, lets running ones finish (bounded by `graceMs`), closes, then
   * waits for the handlers still running, those whose callers left among them (bounded
   * by `callsGraceMs`): the stores may be closed once it resolves.
   */
  shutdown(graceMs?: number, callsGraceMs?: number): Promise<void>;
}

/** Builds the server: ClientAuth, Envoy's ext_authz, grpc.health.v1 and reflection (so grpcurl can list and describe). */
export function createGrpcServer(
  useCases: UseCases,
  options: GrpcServerOptions,
): { server: Server; health: HealthStatuses; handlers: ClientAuthServer; watches: OpenWatches } {
  const limits = options.streams ?? DEFAULT_STREAM_LIMITS;
  const server = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_concurrent_streams': limits.perConnection,
    // No channelz service is served, so its per-call counters and timestamps would be
    // kept for nobody; without them grpc-js takes its plain stream handler (docs/benchmarks.md).
    'grpc.enable_channelz': 0,
  });
  const watches: OpenWatches = {
    revocations: new WatchStreams(limits.revocationWatches, 'WatchRevocations streams', 'client'),
    health: new WatchStreams(limits.healthWatches, 'health Watch streams', 'IP address'),
  };
  // One budget for every service of the server: they share one event loop.
  const trustedProxies = cidrList(options.trustedProxies ?? []);
  const callerTrust = { proxies: trustedProxies, ...(options.gate ? { ownBridge: options.gate } : {}) };
  const unaryOptions = { ...options, trustedProxies, turns: new TurnBudget(TURN_BUDGET_MS), revocationWatches: watches.revocations };
  const { definition, handlers } = clientAuthService(useCases, unaryOptions);
  server.addService(definition, handlers);
  const accessCookieName = options.accessCookieName ?? 'token';
  const extAuthz = extAuthzService(gatewayCheck(useCases), { ...unaryOptions, accessCookieName });
  server.addService(extAuthz.definition, extAuthz.handlers);

  const health = new HealthStatuses({ '': 'SERVING', [SERVICE_NAME]: 'SERVING' });
  health.addToServer(server, {
    streams: watches.health,
    callerOf: (call) => clientIpOf(call.getPeer(), call.metadata, callerTrust),
    log: options.log,
  });

  addReflection(server);
  return { server, health, handlers, watches };
}

/** Binds to host:port (0 picks a free one) and starts serving. */
export async function startGrpcServer(useCases: UseCases, address: { host: string; port: number }, options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const gate = new CallGate();
  const { server, health, handlers, watches } = createGrpcServer(useCases, { ...options, gate });
  const stopTakingCalls = () => {
    gate.close();
    // Watchers hear NOT_SERVING first, then their stream ends.
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(SERVICE_NAME, 'NOT_SERVING');
    watches.revocations.endAll();
    watches.health.endAll();
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
  const closeConnections = (graceMs: number) =>
    new Promise<void>((resolve) => {
      const force = setTimeout(() => server.forceShutdown(), graceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  return {
    server,
    port,
    health,
    handlers,
    internalPass: gate.internalPass,
    streamTables,
    watches,
    stopTakingCalls,
    shutdown: async (graceMs = 10_000, callsGraceMs = RUNNING_CALLS_GRACE_MS) => {
      stopTakingCalls();
      await closeConnections(graceMs);
      if (gate.runningCalls === 0) return;
      options.log.info({ calls: gate.runningCalls }, 'waiting for running calls to end before closing the stores');
      const ended = await Promise.race([gate.idle().then(() => true), sleep(callsGraceMs).then(() => false)]);
      if (!ended) options.log.warn({ calls: gate.runningCalls }, 'calls still running when the stores close: they will fail');
    },
  };
}

/** How long a shutdown waits for handlers still running once the connections are closed. */
const RUNNING_CALLS_GRACE_MS = 20_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
