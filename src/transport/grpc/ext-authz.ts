/**
 * Envoy's external authorization API (ext_authz v3, `envoy.service.auth.v3.Authorization/Check`),
 * served on the gRPC port. Envoy (and Istio, Contour, Gloo, Emissary, which configure it)
 * asks before passing each request upstream; the answer comes from the same token check
 * as ValidateToken.
 *
 * A decision is always a CheckResponse, never a gRPC error: Envoy treats a failed call
 * according to its failure_mode_allow, which a denial must not depend on.
 */
import { type handleUnaryCall, type Metadata, status } from '@grpc/grpc-js';
import { HeaderValueOption_HeaderAppendAction as AppendAction, type HeaderValueOption } from '../../../gen/envoy/config/core/v3/base.js';
import type { AttributeContext_HttpRequest } from '../../../gen/envoy/service/auth/v3/attribute_context.js';
import { type AuthorizationServer, AuthorizationService, type CheckRequest, CheckResponse } from '../../../gen/envoy/service/auth/v3/external_auth.js';
import type { StatusCode } from '../../../gen/envoy/type/v3/http_status.js';
import type { Principal } from '../../domain/kernel/client.js';
import { domainError } from '../../domain/kernel/errors.js';
import { accessRequirement, requireAccess } from '../../domain/sessions/access-requirement.js';
import { REASON_KEY } from '../../sdk/error-details.js';
import { bearerOf, cookieValue, identityHeaders, isIdentityHeader, SESSION_ID_HEADER } from '../shared/gateway-identity.js';
import { HTTP_STATUS_OF } from './http-status.js';
import { ReusedResponses } from './reused-responses.js';
import { toServiceError } from './status-mapping.js';
import type { UnaryOptions } from './unary.js';

/** The one way ext_authz asks whether a token is good: ValidateToken's check. */
export type TokenCheck = (token: string) => Promise<Principal>;

export interface ExtAuthzOptions extends UnaryOptions {
  /** The access-token cookie's name as browsers send it (with its __Host- prefix, if any). */
  accessCookieName: string;
}

export const EXT_AUTHZ_METHOD = 'Check';

const EMPTY = Buffer.alloc(0);
const OK_STATUS = { code: status.OK, message: '', details: [] };
const DENIED_HEADERS_401: HeaderValueOption[] = [
  header('www-authenticate', 'Bearer error="invalid_token"'),
  header('content-type', 'application/json'),
  header('cache-control', 'no-store'),
];
const DENIED_HEADERS: HeaderValueOption[] = DENIED_HEADERS_401.slice(1);

/**
 * The Authorization service: its definition (an allowed request's answer encoded once per
 * token, when the request carried no identity header to remove) and its handler.
 */
export function extAuthzService(check: TokenCheck, options: ExtAuthzOptions): { definition: typeof AuthorizationService; handlers: AuthorizationServer } {
  const allowedAsIs = new ReusedResponses(
    (principal: Principal) => allowed(principal, []),
    (response: CheckResponse) => Buffer.from(CheckResponse.encode(response).finish()),
  );
  return {
    definition: { ...AuthorizationService, check: { ...AuthorizationService.check, responseSerialize: allowedAsIs.serialize } },
    handlers: extAuthzHandlers(check, options, allowedAsIs),
  };
}

function extAuthzHandlers(check: TokenCheck, options: ExtAuthzOptions, allowedAsIs: ReusedResponses<Principal, CheckResponse>): AuthorizationServer {
  const decide = async (request: CheckRequest, metadata: Metadata): Promise<Decision> => {
    const http = request.attributes?.request?.http;
    const context = request.attributes?.contextExtensions ?? {};
    try {
      // Shutting down: Envoy should ask another instance (a denial it can retry, 503).
      if (options.gate && !options.gate.admits(metadata)) throw domainError('UNAVAILABLE', 'this instance is shutting down; retry later');
      const headers = headersOf(http);
      const token = tokenOf(headers, options.accessCookieName);
      const requirement = accessRequirement(Object.entries(context));
      const principal = await check(token);
      requireAccess(principal, requirement);
      const remove = identityHeadersToRemove(headers, principal);
      return { response: remove.length === 0 ? allowedAsIs.of(principal) : allowed(principal, remove), code: status.OK, reason: '' };
    } catch (error) {
      return denied(error, options);
    }
  };
  const check_: handleUnaryCall<CheckRequest, CheckResponse> = (call, callback) => {
    const started = process.hrtime.bigint();
    void decide(call.request, call.metadata).then(({ response, code, reason }) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.observe?.(EXT_AUTHZ_METHOD, code, seconds, reason);
      if (!options.accessLog || options.accessLog.logs(EXT_AUTHZ_METHOD, code)) {
        const requestId = call.request.attributes?.request?.http?.id ?? '';
        options.log.info({ method: EXT_AUTHZ_METHOD, code: status[code], reason, ms: Math.round(seconds * 1e6) / 1e3, requestId }, 'rpc');
      }
      callback(null, response);
    });
  };
  return { check: check_ };
}

interface Decision {
  response: CheckResponse;
  code: status;
  reason: string;
}

/** Envoy sends headers as a map, or as a list when configured with encode_raw_headers. */
function headersOf(http: AttributeContext_HttpRequest | undefined): Record<string, string> {
  if (http === undefined) return {};
  const list = http.headerMap?.headers;
  if (list === undefined || list.length === 0) return http.headers;
  const headers: Record<string, string> = {};
  for (const { key, value, rawValue } of list) {
    const text = value !== '' ? value : Buffer.from(rawValue).toString('latin1');
    const name = key.toLowerCase();
    // Repeated headers join with a comma, except cookies, whose pairs join with "; " (RFC 9113 8.2.3).
    headers[name] = headers[name] === undefined ? text : `${headers[name]}${name === 'cookie' ? '; ' : ','}${text}`;
  }
  return headers;
}

function tokenOf(headers: Record<string, string>, cookieName: string): string {
  const bearer = bearerOf(headers['authorization']);
  if (bearer === null) throw domainError('TOKEN_INVALID', 'the Authorization header must be "Bearer <token>"');
  return bearer !== '' ? bearer : (cookieValue(headers['cookie'], cookieName) ?? '');
}

/**
 * Identity headers the client sent that the answer does not overwrite: any x-client-*
 * beyond ours, and x-session-id when the principal has no session to set in it.
 */
function identityHeadersToRemove(requestHeaders: Record<string, string>, principal: Principal): string[] {
  const remove: string[] = [];
  for (const name in requestHeaders) {
    if (!isIdentityHeader(name)) continue;
    const overwritten = name === SESSION_ID_HEADER ? principal.sessionId !== '' : SET_HEADERS.has(name);
    if (!overwritten) remove.push(name);
  }
  return remove;
}

/** The names of the headers every allowed request gets (and x-session-id, when it has a session). */
const SET_HEADERS = new Set(identityHeaders({ clientId: '', kind: 'user', groups: [], sessionId: '' }).map(([name]) => name));

function allowed(principal: Principal, remove: string[]): CheckResponse {
  const set = identityHeaders(principal).map(([name, value]) => header(name, value));
  return { status: OK_STATUS, httpResponse: { $case: 'okResponse', value: { headers: set, headersToRemove: remove } } };
}

function denied(error: unknown, options: ExtAuthzOptions): Decision {
  const serviceError = toServiceError(error, options.log, EXT_AUTHZ_METHOD);
  const reason = String(serviceError.metadata?.get(REASON_KEY)[0] ?? '');
  const httpStatus = HTTP_STATUS_OF[serviceError.code] ?? 500;
  const message = serviceError.details ?? '';
  const response: CheckResponse = {
    status: { code: serviceError.code, message, details: [] },
    httpResponse: {
      $case: 'deniedResponse',
      value: {
        status: { code: httpStatus as StatusCode },
        headers: httpStatus === 401 ? DENIED_HEADERS_401 : DENIED_HEADERS,
        body: JSON.stringify({ message, reason }),
      },
    },
  };
  return { response, code: serviceError.code, reason };
}

function header(key: string, value: string): HeaderValueOption {
  return { header: { key, value, rawValue: EMPTY }, appendAction: AppendAction.OVERWRITE_IF_EXISTS_OR_ADD };
}
