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
import type { Logger } from '../../domain/kernel/logger.js';
import { toServiceError } from './status-mapping.js';
import type { WatchStreams } from './watch-streams.js';

/** What a service can be set to; SERVICE_UNKNOWN is only ever an answer. */
export type ServingStatusName = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN';

/** List refuses past this many services, as the protocol asks, rather than answer a huge map. */
const LIST_LIMIT = 100;

const WATCH_METHOD = 'grpc.health.v1.Health/Watch';

type WatchCall = ServerWritableStream<HealthCheckRequest, HealthCheckResponse>;

/** How Watch streams are bounded (see watch-streams.ts), and ended when the server drains. */
export interface HealthWatchLimits {
  streams: WatchStreams;
  /** Who a stream counts against: Watch is unauthenticated, so its client's IP. */
  callerOf(call: WatchCall): string;
  log: Logger;
}

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

  /** Registers grpc.health.v1.Health on `server`; its Watch streams bounded by `limits` when given. */
  addToServer(server: { addService(definition: typeof HealthService, implementation: HealthServer): void }, limits?: HealthWatchLimits): void {
    server.addService(HealthService, this.handlers(limits));
  }

  /** The service's handlers, by the generated definition's method names. */
  handlers(limits?: HealthWatchLimits): HealthServer {
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
      watch: (call: WatchCall) => {
        const service = call.request.service;
        const watcher = (status: ServingStatus) => call.write({ status });
        const watchers = this.watchers.get(service) ?? new Set();
        let release = () => {};
        const forget = () => {
          release();
          watchers.delete(watcher);
          if (watchers.size === 0 && this.watchers.get(service) === watchers) this.watchers.delete(service);
        };
        if (limits) {
          const fail = (error: unknown) => call.emit('error', toServiceError(error, limits.log, WATCH_METHOD));
          try {
            release = limits.streams.admit(limits.callerOf(call), (error) => {
              forget();
              fail(error);
            });
          } catch (error) {
            fail(error);
            return;
          }
        }
        this.watchers.set(service, watchers.add(watcher));
        call.on('cancelled', forget);
        call.on('close', forget);
        call.write({ status: this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN });
      },
    };
  }
}
