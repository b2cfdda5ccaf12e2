/**
 * Gives every request an id (a sane incoming X-Request-Id, or a new one), returns it as a
 * response header, and logs one line per request, or the requests the access log policy
 * picks (`METHOD /path` and the status's gRPC code): never a cookie, a body or a header.
 */
import type { Middleware } from 'koa';
import type { Logger } from '../../src/domain/kernel/logger.js';
import { traceFields } from '../../src/observability/tracing/trace-context.js';
import { type AccessLogPolicy, codeOfHttpStatus } from '../../src/transport/grpc/access-log.js';
import { requestIdFrom } from '../../src/transport/shared/request-id.js';
import { setHeader } from './response-header.js';

export function requestLog(log: Logger, accessLog?: AccessLogPolicy): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(ctx.get('X-Request-Id'));
    ctx.state['requestId'] = requestId;
    setHeader(ctx, 'X-Request-Id', requestId);
    const trace = traceFields();
    try {
      await next();
    } finally {
      if (!accessLog || accessLog.logs(`${ctx.method} ${ctx.path}`, codeOfHttpStatus(ctx.status))) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 1000) / 1000, requestId, ...trace }, 'http');
      }
    }
  };
}
