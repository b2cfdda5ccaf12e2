/**
 * Forward auth, `/auth`: the question NGINX (`auth_request`), Caddy (`forward_auth`) and
 * Traefik (`ForwardAuth`) ask before passing a request on. They read only the status and
 * the headers, and send whatever method the original request had, so any method is
 * answered alike:
 *
 *   200  X-Client-Id, X-Client-Kind, X-Client-Groups (comma-separated), X-Session-Id
 *   401  the usual JSON error body and `WWW-Authenticate: Bearer error="invalid_token"`
 *   403  PERMISSION_DENIED, when `?group=` (each one given) or `?kind=` asks for more than the
 *        caller has; SECOND_FACTOR_REQUIRED, when `?second_factor=true` and the login used a
 *        password alone
 *   500  GATEWAY_MISCONFIGURED, when the query is no requirement this service can read
 *        (an unknown or empty key): the gateway's configuration must be fixed
 *
 * The token is the access cookie or `Authorization: Bearer`. Gateways call this route
 * server to server, once per request they pass, so it runs ahead of the other routes'
 * middleware: no cross-site guard (a gateway is no browser), no cookies set or cleared,
 * never cached, and a log line only for the calls ACCESS_LOG_SAMPLE picks.
 */
import type { Context, Middleware } from 'koa';
import { ClientKind as ProtoKind } from '../../gen/clientauth/v1/client.js';
import type { ClientKind, Principal } from '../../src/domain/kernel/client.js';
import { DomainError } from '../../src/domain/kernel/errors.js';
import type { Logger } from '../../src/domain/kernel/logger.js';
import { type AccessRequirement, accessRequirement, requireAccess } from '../../src/domain/sessions/access-requirement.js';
import type { ClientAuthCalls } from '../../src/sdk/typed-client.js';
import { type AccessLogPolicy, codeOfHttpStatus } from '../../src/transport/grpc/access-log.js';
import { toServiceError } from '../../src/transport/grpc/status-mapping.js';
import type { CallObserver } from '../../src/transport/grpc/unary.js';
import { bearerOf, identityHeaders } from '../../src/transport/shared/gateway-identity.js';
import { requestIdFrom } from '../../src/transport/shared/request-id.js';
import type { CookiePolicy } from '../cookie-policy.js';
import { respondJson } from '../json/respond.js';
import { toHttpError } from '../middleware/error-middleware.js';
import { HttpError } from '../middleware/http-error.js';

export const FORWARD_AUTH_PATH = '/auth';
/** The name forward auth goes by in metrics and the access log policy. */
export const FORWARD_AUTH_METHOD = 'ForwardAuth';

export type GatewayIdentity = Pick<Principal, 'clientId' | 'kind' | 'groups' | 'sessionId' | 'amr'>;

/**
 * The one question forward auth asks: who holds this token? ValidateToken over gRPC when
 * the bridge runs on its own; the same check in process when it runs beside the server.
 */
export type IdentityOfToken = (token: string, requestId: string) => Promise<GatewayIdentity>;

/** ValidateToken over gRPC. */
export function identityOverGrpc(api: ClientAuthCalls, deadlineMs: number): IdentityOfToken {
  return async (token, requestId) => {
    const answer = await api.validateToken({ token }, { deadlineMs, requestId });
    return { clientId: answer.clientId, kind: kindOf(answer.kind), groups: answer.groups, sessionId: answer.sessionId, amr: answer.amr };
  };
}

/**
 * ValidateToken's check, called in process. Its failures become the gRPC errors the call
 * over the network would have given, so the answer is the same either way.
 */
export function identityInProcess(check: (token: string) => Promise<Principal>, log: Logger): IdentityOfToken {
  return async (token) => {
    try {
      return await check(token);
    } catch (error) {
      throw asCallError(error, log);
    }
  };
}

/** A failure as the gRPC call would have reported it, for the bridge's one error mapping. */
function asCallError(error: unknown, log: Logger): Error {
  const mapped = toServiceError(error, log, FORWARD_AUTH_METHOD);
  return Object.assign(new Error(mapped.details), mapped);
}

export interface ForwardAuthOptions {
  identityOf: IdentityOfToken;
  cookies: CookiePolicy;
  log: Logger;
  accessLog?: AccessLogPolicy;
  observe?: CallObserver;
}

const REQUIREMENTS_REMEMBERED = 64;

export function forwardAuth(options: ForwardAuthOptions): Middleware {
  const { identityOf, cookies, log } = options;
  // A gateway asks with the few query strings its configuration names; parse each once.
  const requirements = new Map<string, AccessRequirement>();
  const requirementOf = (query: string): AccessRequirement => {
    let requirement = requirements.get(query);
    if (requirement === undefined) {
      requirement = accessRequirement(new URLSearchParams(query));
      if (requirements.size < REQUIREMENTS_REMEMBERED) requirements.set(query, requirement);
    }
    return requirement;
  };

  return async (ctx, next) => {
    if (ctx.path !== FORWARD_AUTH_PATH) return next();
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(ctx.get('X-Request-Id'));
    ctx.set('Cache-Control', 'no-store');
    let reason = '';
    try {
      const requirement = requirementOf(ctx.querystring);
      const identity = await identityOf(tokenOf(ctx, cookies), requestId);
      requireAccess(identity, requirement);
      for (const [name, value] of identityHeaders(identity)) ctx.set(name, value);
      ctx.status = 200;
      // Empty, not null: Koa turns a null body into 204, which some gateways do not pass.
      ctx.body = '';
    } catch (error) {
      const { status, body } = toHttpError(error instanceof DomainError ? asCallError(error, log) : error);
      // A domain error was logged where it was mapped, a misconfiguration with what to fix.
      if (status === 500 && !(error instanceof DomainError))
        log.error({ requestId, method: ctx.method, path: ctx.path, err: String(error) }, 'request failed unexpectedly');
      if (status === 401) ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      ctx.status = status;
      respondJson(ctx, body);
      reason = body.reason;
    }
    const code = codeOfHttpStatus(ctx.status);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    options.observe?.(FORWARD_AUTH_METHOD, code, seconds, reason);
    if (!options.accessLog || options.accessLog.logs(FORWARD_AUTH_METHOD, code)) {
      log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(seconds * 1e6) / 1e3, requestId }, 'http');
    }
  };
}

function tokenOf(ctx: Context, cookies: CookiePolicy): string {
  // Node keeps the first of two Authorization headers and drops the other, while the
  // application behind the gateway may read the other: refused, as ext_authz refuses them
  // (Envoy joins the two into one value that is no Bearer credential).
  if ((ctx.req.headersDistinct['authorization']?.length ?? 0) > 1) throw new HttpError('TOKEN_INVALID', 'one Authorization header at most');
  const bearer = bearerOf(ctx.get('Authorization'));
  if (bearer === null) throw new HttpError('TOKEN_INVALID', 'the Authorization header must be "Bearer <token>"');
  const token = bearer !== '' ? bearer : cookies.readAccess(ctx);
  if (token === undefined) throw new HttpError('TOKEN_MISSING', 'a token is required');
  return token;
}

function kindOf(kind: ProtoKind): ClientKind {
  return kind === ProtoKind.CLIENT_KIND_SERVICE ? 'service' : 'user';
}
