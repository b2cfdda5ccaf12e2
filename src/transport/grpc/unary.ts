import type { BlockList } from 'node:net';
import { type handleUnaryCall, type Metadata, type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import type { Logger } from '../../domain/kernel/logger.js';
import type { RequestContext } from '../../domain/kernel/request.js';
import { traceFields } from '../../observability/tracing/trace-context.js';
import { REQUEST_ID_KEY } from '../../sdk/call-metadata.js';
import { REASON_KEY } from '../../sdk/error-details.js';
import { parseBearer } from '../shared/bearer-token.js';
import { requestIdFrom } from '../shared/request-id.js';
import type { AccessLogPolicy } from './access-log.js';
import { type CallGate, shuttingDown } from './call-gate.js';
import { type CallerTrust, clientIpOf } from './caller-ip.js';
import { requestContextOf } from './request-context.js';
import { toServiceError } from './status-mapping.js';
import type { TurnBudget } from './turn-budget.js';
import type { WatchStreams } from './watch-streams.js';

export interface CallContext {
  metadata: Metadata;
  requestId: string;
  /** The IP the call comes from (see client-ip.ts); '' when the transport has none. */
  clientIp: string;
  /** Where the call comes from, for the audit trail. */
  request: RequestContext;
}

/** Told of every finished call, for metrics: its method, status, duration and reason ('' when OK). */
export type CallObserver = (method: string, code: status, seconds: number, reason: string) => void;

export interface UnaryOptions {
  log: Logger;
  observe?: CallObserver;
  /** Which calls get a log line; every call when absent. */
  accessLog?: AccessLogPolicy;
  /** When closed (shutting down), new calls end UNAVAILABLE before their handler runs; it counts the calls running. */
  gate?: CallGate;
  /** The places for WatchRevocations streams (see watch-streams.ts); unbounded when absent. */
  revocationWatches?: WatchStreams;
  /** Peers believed when they name the client's IP in metadata (besides this process's bridge, which the gate knows). */
  trustedProxies: BlockList;
  /** When given, calls start within its budget of each event-loop turn (see turn-budget.ts). */
  turns?: TurnBudget;
}

/**
 * Wraps an async handler so every call ends exactly once: with its result, or with the
 * status the one error mapping gives. grpc-js would otherwise turn a throw into UNKNOWN
 * with the message inside, and ignore a rejected promise. Logs one line per call, or
 * the calls the access log policy picks.
 */
export function unary<Req, Res>(
  method: string,
  handler: (request: Req, context: CallContext) => Promise<Res>,
  options: UnaryOptions,
): handleUnaryCall<Req, Res> {
  const trust: CallerTrust = { proxies: options.trustedProxies, ...(options.gate ? { ownBridge: options.gate } : {}) };
  const start = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const started = process.hrtime.bigint();
    const trace = traceFields();
    const context = new UnaryCallContext(call, trust);
    const finish = (code: status, reason: string) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.observe?.(method, code, seconds, reason);
      if (options.accessLog && !options.accessLog.logs(method, code)) return;
      options.log.info({ method, code: status[code], ms: Math.round(seconds * 1e6) / 1e3, requestId: context.requestId, ...trace }, 'rpc');
    };
    const gate = options.gate;
    const admitted = gate?.admits(call.metadata) ?? true;
    if (admitted) gate?.enter();
    const running = admitted ? handler(call.request, context) : Promise.reject(shuttingDown());
    running.then(
      (response) => {
        if (admitted) gate?.leave();
        finish(status.OK, '');
        callback(null, response);
      },
      (error: unknown) => {
        if (admitted) gate?.leave();
        const serviceError = toServiceError(error, options.log, method);
        finish(serviceError.code, String(serviceError.metadata?.get(REASON_KEY)[0] ?? ''));
        callback(serviceError);
      },
    );
  };
  const turns = options.turns;
  if (!turns) return start;
  return (call, callback) => {
    if (turns.mayStartNow()) return start(call, callback);
    turns.wait(() => {
      // A call that waited for its turn may have been cancelled meanwhile: nobody is listening.
      if (call.cancelled) return options.observe?.(method, status.CANCELLED, 0, '');
      try {
        start(call, callback);
      } catch (error) {
        // Out of grpc-js's own call stack here: a throw would go unanswered (and uncaught).
        callback(toServiceError(error, options.log, method));
      }
    });
  };
}

/**
 * The context of one call. The request id, the client's IP and the audit's request context
 * are worked out on first use only: ValidateToken, the hottest call, reads none of them
 * when it succeeds (its access log line is sampled). A class rather than an object literal
 * with getters: creating such a literal on every call is dear enough to show in
 * ValidateToken's throughput (`npm run bench`).
 */
class UnaryCallContext implements CallContext {
  private id: string | undefined;
  private ip: string | undefined;
  private context: RequestContext | undefined;

  constructor(
    private readonly call: ServerUnaryCall<unknown, unknown>,
    private readonly trust: CallerTrust,
  ) {}

  get requestId(): string {
    this.id ??= requestIdFrom(this.call.metadata.get(REQUEST_ID_KEY)[0]);
    return this.id;
  }

  get metadata(): Metadata {
    return this.call.metadata;
  }

  get clientIp(): string {
    this.ip ??= clientIpOf(this.call.getPeer(), this.call.metadata, this.trust);
    return this.ip;
  }

  get request(): RequestContext {
    this.context ??= requestContextOf(this.call.metadata, this.requestId, this.clientIp, this.call.getDeadline());
    return this.context;
  }
}

/** The bearer token of the `authorization` metadata, or '' when there is none or it is not a Bearer credential. */
export function bearerToken(metadata: Metadata): string {
  const value = metadata.get('authorization')[0];
  return typeof value === 'string' ? (parseBearer(value) ?? '') : '';
}
