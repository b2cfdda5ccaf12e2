/**
 * What the rest of the code asks of tracing, without loading it: the trace id to put in a
 * log line, and a flush at shutdown. Both do nothing until src/telemetry/sdk.ts, loaded
 * only when tracing is requested, fills them in.
 */
let currentTraceId: () => string | undefined = () => undefined;
let flush: () => Promise<void> = async () => {};

/** `{ traceId }` of the span this code runs in, for a log line; `{}` when tracing is off. */
export function traceFields(): { traceId?: string } {
  const traceId = currentTraceId();
  return traceId === undefined ? {} : { traceId };
}

/** Sends what is still buffered; call once before exiting. */
export function flushTraces(): Promise<void> {
  return flush();
}

export function installTracing(hooks: { currentTraceId: () => string | undefined; flush: () => Promise<void> }): void {
  currentTraceId = hooks.currentTraceId;
  flush = hooks.flush;
}
