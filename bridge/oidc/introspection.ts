/**
 * Token introspection (RFC 7662) for confidential clients. The library's own endpoint
 * finds only the tokens it stores, and our access tokens are JWTs it does not store; this
 * answers for both: an access token is active when ValidateToken accepts it now (signature,
 * expiry, the revocation list), a refresh token when its record is live and unused. A
 * client learns about its own tokens only; anything else is `{"active": false}`.
 */
import type { Context } from 'koa';
import type { OidcAccounts } from '../../src/domain/oidc/accounts.js';
import type { OidcStore } from '../../src/domain/oidc/ports.js';
import type { OidcServiceClients } from '../../src/domain/oidc/service-clients.js';
import { readForm } from '../pages/form.js';

const FIELDS = ['token', 'token_type_hint', 'client_id', 'client_secret'] as const;
const JWT_SHAPED = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export interface IntrospectionDependencies {
  accounts: OidcAccounts;
  serviceClients: OidcServiceClients;
  store: OidcStore;
  bodyLimitBytes: number;
}

export function introspectionHandler(deps: IntrospectionDependencies): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const form = await readForm(ctx, deps.bodyLimitBytes, FIELDS);
    const caller = credentialsOf(ctx, form);
    const found = caller === null ? null : await deps.serviceClients.lookup(caller.id);
    // Public clients hold no secret to prove themselves with: introspection is for confidential ones.
    const authenticated =
      caller !== null &&
      found !== null &&
      !found.client.suspended &&
      found.client.settings?.publicClient !== true &&
      (await found.secretMatches(caller.secret, ctx.state['clientIp'] as string));
    if (!authenticated) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Basic realm="client-auth", error="invalid_client"');
      ctx.body = { error: 'invalid_client', error_description: 'client authentication failed' };
      return;
    }
    ctx.type = 'application/json';
    ctx.body = (await activeToken(deps, form.token, caller.id)) ?? { active: false };
  };
}

async function activeToken(deps: IntrospectionDependencies, token: string, callerId: string): Promise<Record<string, unknown> | null> {
  if (token === '') return null;
  if (JWT_SHAPED.test(token)) {
    const active = await deps.accounts.activeAccessToken(token);
    if (active === null) return null;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    // A token another client got, or one our own login issued (no client_id), is not this caller's to learn about.
    const clientId = claims['client_id'] ?? (active.kind === 'service' ? active.clientId : undefined);
    if (clientId !== callerId) return null;
    const { scope, sub, iat, exp, iss, aud, jti } = claims;
    return { active: true, token_type: 'access_token', client_id: clientId, sub, scope, iat, exp, iss, aud, jti };
  }
  const record = await deps.store.find('RefreshToken', token, new Date());
  if (record === null || record.consumedAt !== null) return null;
  const payload = record.payload as { clientId?: string; accountId?: string; scope?: string; exp?: number; iat?: number };
  if (payload.clientId !== callerId) return null;
  return {
    active: true,
    token_type: 'refresh_token',
    client_id: payload.clientId,
    sub: payload.accountId,
    scope: payload.scope,
    iat: payload.iat,
    exp: payload.exp,
  };
}

/** client_secret_basic, or client_secret_post: one of them. */
function credentialsOf(ctx: Context, form: Record<(typeof FIELDS)[number], string>): { id: string; secret: string } | null {
  const header = ctx.get('Authorization');
  if (header.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    try {
      return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
    } catch {
      return null;
    }
  }
  return form.client_id !== '' && form.client_secret !== '' ? { id: form.client_id, secret: form.client_secret } : null;
}
