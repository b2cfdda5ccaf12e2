/**
 * What the rest of the code asks of tracing, without loading it: the trace id to put in a
 * log line, and a flush at shutdown. Both do nothing until src/observability/tracing/open-telemetry.ts, loaded
 * only when tracing is requested, fills them in.
 */
let currentTraceId: () => string | undefined = () => undefined;
let flush: () => Promise<void> = async () => {};

const NO_TRACE: { traceId?: string } = Object.freeze({});

/** `{ traceId }` of the span this code runs in, for a log line; `{}` (one shared object) when tracing is off. */
export function traceFields(): { readonly traceId?: string } {
  const traceId = currentTraceId();
  return traceId === undefined ? NO_TRACE : { traceId };
}

/** Sends what is still buffered; call once before exiting. */
export function flushTraces(): Promise<void> {
  return flush();
}

/**
 * Runs a call the bridge hands to the gRPC handlers in process (src/transport/grpc/in-process-client.ts)
 * inside the spans the gRPC instrumentation records for a call over the network: a client
 * span and, under it, a server span, ended by `finish` with the call's status code.
 */
export type InProcessCallTracer = <T>(path: string, run: (finish: (code: number, details: string) => void) => T) => T;

let inProcessCall: InProcessCallTracer = (_path, run) => run(() => {});

export function traceInProcessCall<T>(path: string, run: (finish: (code: number, details: string) => void) => T): T {
  return inProcessCall(path, run);
}

export function installTracing(hooks: { currentTraceId: () => string | undefined; flush: () => Promise<void>; inProcessCall: InProcessCallTracer }): void {
  currentTraceId = hooks.currentTraceId;
  flush = hooks.flush;
  inProcessCall = hooks.inProcessCall;
}
