/**
 * The token endpoint's events, told to the audit trail (src/domain/oidc/token-audit.ts):
 * each token response, and each client refused there. The library emits `grant.success`
 * after a grant's handler answered and `grant.error` with the error it rendered (ADR 0019,
 * internals); nothing of the request but ids and the grant type is passed on.
 */
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { RequestContext } from '../../src/domain/kernel/request.js';
import { OIDC_GRANT_TYPES, type OidcGrantType } from '../../src/domain/oidc/ports.js';
import type { OidcTokenAudit } from '../../src/domain/oidc/token-audit.js';

/** The detail of the refusal our secret check throws past the attempt limits (provider-configuration.ts). */
export const THROTTLED_CLIENT_AUTH = 'too many failed attempts; retry later';

export function auditTokenEndpoint(provider: Provider, audit: OidcTokenAudit, requestOf: (ctx: KoaContextWithOIDC) => RequestContext): void {
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const grantType = ctx.oidc.params?.['grant_type'];
    const client = ctx.oidc.client;
    if (client === undefined || !isServed(grantType)) return;
    // A person's grant (code, refresh) names them and is their session; client credentials have none.
    const grant = ctx.oidc.entities.Grant;
    audit.tokenIssued({ clientId: client.clientId, grantType, accountId: grant?.accountId ?? null, grantId: grant?.jti ?? null }, requestOf(ctx));
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: unknown) => {
    if (!(error instanceof errors.InvalidClientAuth)) return;
    const grantType = ctx.oidc.params?.['grant_type'];
    // The library sets the client once it found it, before checking the secret: a known client.
    const reason = error.error_detail === THROTTLED_CLIENT_AUTH ? 'TOO_MANY_ATTEMPTS' : 'INVALID_CREDENTIALS';
    audit.clientRefused(ctx.oidc.client?.clientId ?? null, reason, typeof grantType === 'string' ? grantType : '', requestOf(ctx));
  });
}

function isServed(grantType: unknown): grantType is OidcGrantType {
  return (OIDC_GRANT_TYPES as readonly unknown[]).includes(grantType);
}
