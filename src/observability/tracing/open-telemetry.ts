/**
 * The OpenTelemetry SDK with the instrumentations of the libraries a request goes through:
 * the bridge's HTTP server and Koa, the gRPC client and server, MongoDB and ioredis. Loaded
 * by src/observability/tracing/preload.ts only when tracing is requested, before any of those libraries,
 * since an instrumentation patches a library as it is loaded.
 *
 * The exporter, sampler and resource come from the SDK's standard OTEL_* variables. What a
 * span may carry is decided here: no request or response headers (cookies, the bearer
 * token), no gRPC metadata, Redis commands by name only, and MongoDB commands with every
 * value replaced by "?" (the instrumentation's default), so no token, password, secret or
 * hash reaches a span.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { type InProcessCallTracer, installTracing } from './trace-context.js';

export function startTracing(options: { serviceName: string }): void {
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    instrumentations: [
      new HttpInstrumentation({ headersToSpanAttributes: { server: {}, client: {} } }),
      new KoaInstrumentation(),
      new GrpcInstrumentation({ metadataToSpanAttributes: { client: {}, server: {} } }),
      // Background loops (the outbox relay, the revocation checks) would otherwise start a trace every few seconds.
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
      new IORedisInstrumentation({ dbStatementSerializer: (command) => command, requireParentSpan: true }),
    ],
  });
  sdk.start();
  installTracing({
    currentTraceId: () => trace.getSpan(context.active())?.spanContext().traceId,
    flush: () => sdk.shutdown(),
    inProcessCall: traceInProcess,
  });
}

const IN_PROCESS_TRACER = 'client-auth-in-process';

/**
 * The spans GrpcInstrumentation gives a unary call, for one that never leaves the process:
 * the same names and rpc.* attributes, the server span a child of the client span, and the
 * handler running in the server span's context so the store spans hang under it.
 */
const traceInProcess: InProcessCallTracer = (path, run) => {
  const tracer = trace.getTracer(IN_PROCESS_TRACER);
  const [, service = '', method = ''] = path.split('/');
  const attributes = { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method };
  const name = `grpc.${service}/${method}`;
  const client = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const clientContext = trace.setSpan(context.active(), client);
  const server = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, clientContext);
  const finish = (code: number, details: string) => {
    for (const span of [server, client]) {
      span.setAttribute('rpc.grpc.status_code', code);
      if (code !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: details });
      span.end();
    }
  };
  return context.with(trace.setSpan(clientContext, server), () => run(finish));
};
