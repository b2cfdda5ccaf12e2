/**
 * A client of the ClientAuth handlers in the same process: the generated client's unary
 * signature (request, metadata, options, callback), without HTTP/2 framing or protobuf
 * encoding. The calls go through the very handlers the gRPC server runs, so the bridge
 * keeps every server-side behaviour: metadata (bearer token, request id), the call
 * deadline, the one error mapping with its reason trailers, the log line and metrics.
 *
 * With tracing on, each call gets the client and server spans the gRPC instrumentation
 * would have recorded over the network, so a browser request stays one trace of the same shape.
 *
 * Two things the network would do are done here on purpose: a request larger than the
 * server's receive limit fails with RESOURCE_EXHAUSTED, and a call still running at its
 * deadline fails with DEADLINE_EXCEEDED, as grpc-js answers both.
 */
import { EventEmitter } from 'node:events';
import { type CallOptions, type handleUnaryCall, Metadata, type ServerUnaryCall, type ServiceError, status } from '@grpc/grpc-js';
import { type ClientAuthServer, ClientAuthService } from '../../../gen/clientauth/v1/client_auth.js';
import { traceInProcessCall } from '../../observability/tracing/trace-context.js';
import type { UnaryCallbackClient, UnaryCallbackMethod } from '../../sdk/typed-client.js';

export interface InProcessOptions {
  /** The gRPC server's receive limit (GRPC_MAX_MESSAGE_BYTES). */
  maxMessageBytes: number;
}

type Method = (typeof ClientAuthService)[keyof typeof ClientAuthService];

/** What the handlers see of the caller: the address a loopback client would have. */
const PEER = '127.0.0.1:0';

export function inProcessClient(handlers: ClientAuthServer, options: InProcessOptions): UnaryCallbackClient {
  const client: Record<string, unknown> = { close: () => {} };
  for (const name of Object.keys(ClientAuthService) as Array<keyof typeof ClientAuthService>) {
    client[name] = inProcessMethod(ClientAuthService[name], handlers[name] as handleUnaryCall<unknown, unknown>, options);
  }
  return client as UnaryCallbackClient;
}

function inProcessMethod(method: Method, handler: handleUnaryCall<unknown, unknown>, options: InProcessOptions): UnaryCallbackMethod {
  return (request, metadata, callOptions: Partial<CallOptions>, callback) => {
    const deadline = deadlineOf(callOptions.deadline);
    if (upperBoundBytes(request) > options.maxMessageBytes) {
      // Only a request that could be too large pays for measuring it exactly.
      const size = (method.requestSerialize as (value: unknown) => Buffer)(request).length;
      if (size > options.maxMessageBytes) {
        const details = `Received message larger than max (${size} vs ${options.maxMessageBytes})`;
        process.nextTick(callback, callError(status.RESOURCE_EXHAUSTED, details, new Metadata()));
        return;
      }
    }
    // The promise layer (src/sdk/typed-client.ts) has completed the request with its proto defaults.
    const call = new InProcessCall(request, metadata.clone(), deadline, method.path);
    traceInProcessCall(method.path, (finishSpans) => {
      let finished = false;
      const end = (error: ServiceError | null, value?: unknown) => {
        finished = true;
        finishSpans(error ? error.code : status.OK, error ? error.details : '');
        callback(error, value);
      };
      const timer =
        deadline === Infinity
          ? undefined
          : setTimeout(
              () => {
                call.cancelled = true;
                call.emit('cancelled', 'deadline');
                end(callError(status.DEADLINE_EXCEEDED, 'Deadline exceeded', new Metadata()));
              },
              Math.max(0, deadline - Date.now()),
            );
      handler(call as unknown as ServerUnaryCall<unknown, unknown>, (error, value) => {
        if (finished) return;
        clearTimeout(timer);
        if (!error) return end(null, value);
        const failure = error as Partial<ServiceError>;
        end(callError(failure.code ?? status.UNKNOWN, failure.details ?? failure.message ?? 'Unknown Error', failure.metadata ?? new Metadata()));
      });
    });
  };
}

/** The parts of grpc-js's ServerUnaryCall a handler may use. */
class InProcessCall extends EventEmitter {
  cancelled = false;

  constructor(
    readonly request: unknown,
    readonly metadata: Metadata,
    private readonly deadline: number,
    private readonly path: string,
  ) {
    super();
  }

  getPeer(): string {
    return PEER;
  }

  getDeadline(): number {
    return this.deadline;
  }

  getPath(): string {
    return this.path;
  }

  getHost(): string {
    return 'localhost';
  }

  sendMetadata(): void {}
}

/** The error a grpc-js client gives for a status: an Error carrying code, details and trailers. */
function callError(code: status, details: string, metadata: Metadata): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

function deadlineOf(deadline: CallOptions['deadline'] | undefined): number {
  if (deadline === undefined) return Infinity;
  return deadline instanceof Date ? deadline.getTime() : deadline;
}

/**
 * More bytes than the request can encode to: UTF-8 takes at most 3 bytes per UTF-16 unit,
 * and no field's tag and length take more than 16.
 */
function upperBoundBytes(value: unknown): number {
  if (typeof value === 'string') return value.length * 3 + 16;
  if (value === null || typeof value !== 'object') return 16;
  if (value instanceof Date) return 32;
  let total = 16;
  for (const item of Array.isArray(value) ? value : Object.entries(value)) total += upperBoundBytes(item);
  return total;
}
