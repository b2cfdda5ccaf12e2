/**
 * grpc.health.v1 (Check, List, Watch), served with the codecs generated from
 * proto/grpc/health/v1/health.proto. The packaged implementation (grpc-health-check) parses
 * its .proto with protobufjs at load, at every start; the protocol is small and frozen, so
 * it is served here.
 */
import { status as GrpcStatus, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import {
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthListRequest,
  type HealthListResponse,
  type HealthServer,
  HealthService,
  healthCheckResponse_ServingStatusFromJSON,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from '../../../gen/grpc/health/v1/health.js';

/** What a service can be set to; SERVICE_UNKNOWN is only ever an answer. */
export type ServingStatusName = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN';

/** List refuses past this many services, as the protocol asks, rather than answer a huge map. */
const LIST_LIMIT = 100;

/** The statuses the server reports, by service name ("" is the server as a whole). */
export class HealthStatuses {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Map<string, Set<(status: ServingStatus) => void>>();

  constructor(initial: Readonly<Record<string, ServingStatusName>> = {}) {
    for (const [service, status] of Object.entries(initial)) this.statuses.set(service, healthCheckResponse_ServingStatusFromJSON(status));
  }

  /** Sets a service's status; each Watch of it hears of a change. */
  setStatus(service: string, status: ServingStatusName): void {
    const next = healthCheckResponse_ServingStatusFromJSON(status);
    const previous = this.statuses.get(service);
    this.statuses.set(service, next);
    if (previous === next) return;
    for (const watcher of this.watchers.get(service) ?? []) watcher(next);
  }

  /** Registers grpc.health.v1.Health on `server`. */
  addToServer(server: { addService(definition: typeof HealthService, implementation: HealthServer): void }): void {
    server.addService(HealthService, this.handlers());
  }

  /** The service's handlers, by the generated definition's method names. */
  handlers(): HealthServer {
    return {
      check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>) => {
        const status = this.statuses.get(call.request.service);
        if (status === undefined) callback({ code: GrpcStatus.NOT_FOUND, details: `unknown service "${call.request.service}"` });
        else callback(null, { status });
      },
      list: (_call: ServerUnaryCall<HealthListRequest, HealthListResponse>, callback: sendUnaryData<HealthListResponse>) => {
        if (this.statuses.size > LIST_LIMIT) {
          callback({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: `more than ${LIST_LIMIT} services to list` });
          return;
        }
        const statuses: HealthListResponse['statuses'] = {};
        for (const [service, status] of this.statuses) statuses[service] = { status };
        callback(null, { statuses });
      },
      watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>) => {
        const service = call.request.service;
        const watcher = (status: ServingStatus) => call.write({ status });
        const watchers = this.watchers.get(service) ?? new Set();
        this.watchers.set(service, watchers.add(watcher));
        const forget = () => {
          watchers.delete(watcher);
          if (watchers.size === 0 && this.watchers.get(service) === watchers) this.watchers.delete(service);
        };
        call.on('cancelled', forget);
        call.on('close', forget);
        call.write({ status: this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN });
      },
    };
  }
}
