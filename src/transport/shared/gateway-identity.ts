/**
 * The headers a gateway forwards upstream once client-auth has allowed a request, named
 * once for every gateway dialect: forward auth (`GET /auth` for NGINX, Caddy, Traefik)
 * answers with them, and Envoy's ext_authz sets them. A client must never be able to send
 * them itself, so gateways strip every incoming header for which `isIdentityHeader` holds.
 */
import type { UseCases } from '../../bootstrap/use-cases.js';
import type { Principal } from '../../domain/kernel/client.js';
import { parseBearer } from './bearer-token.js';

/**
 * The check every gateway dialect shares (ValidateToken, ext_authz Check, forward auth):
 * signature, expiry and the revocation list, no database read.
 */
export function gatewayCheck(useCases: Pick<UseCases, 'tokenValidation'>): (token: string) => Promise<Principal> {
  return (token) => useCases.tokenValidation.validateToken(token);
}

export const CLIENT_ID_HEADER = 'x-client-id';
export const CLIENT_KIND_HEADER = 'x-client-kind';
export const CLIENT_GROUPS_HEADER = 'x-client-groups';
export const SESSION_ID_HEADER = 'x-session-id';

/** Header names in lower case, as both Node and Envoy give them. */
export function isIdentityHeader(lowerCaseName: string): boolean {
  return lowerCaseName.startsWith('x-client-') || lowerCaseName === SESSION_ID_HEADER;
}

/**
 * The identity of a validated caller as [header, value] pairs, in a fixed order. A token
 * of the original service belongs to no session: then there is no `x-session-id` at all,
 * rather than an empty one an application might take for a session id.
 */
export function identityHeaders(principal: Pick<Principal, 'clientId' | 'kind' | 'groups' | 'sessionId'>): [string, string][] {
  const headers: [string, string][] = [
    [CLIENT_ID_HEADER, principal.clientId],
    [CLIENT_KIND_HEADER, principal.kind],
    // Group names are [a-z0-9_.-], so a comma never appears inside one.
    [CLIENT_GROUPS_HEADER, principal.groups.join(',')],
  ];
  if (principal.sessionId !== '') headers.push([SESSION_ID_HEADER, principal.sessionId]);
  return headers;
}

/**
 * The bearer token of an Authorization header value: '' when there is no header,
 * null when there is one that is not `Bearer <token>`.
 */
export function bearerOf(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization === '') return '';
  return parseBearer(authorization) ?? null;
}

/**
 * The value of cookie `name` in a Cookie header, or undefined. Scans in place rather than
 * splitting the header: this runs on every request a gateway asks about.
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  let from = 0;
  while (from < header.length) {
    const at = header.indexOf(name, from);
    if (at < 0) return undefined;
    const end = at + name.length;
    if (header.charCodeAt(end) === 61 /* = */ && startsPair(header, at)) {
      const stop = header.indexOf(';', end);
      const value = header.slice(end + 1, stop < 0 ? header.length : stop).trim();
      return value === '' ? undefined : value;
    }
    from = end;
  }
  return undefined;
}

/** Whether `at` is where a name=value pair of a Cookie header begins. */
function startsPair(header: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = header.charCodeAt(i);
    if (c === 59 /* ; */) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
