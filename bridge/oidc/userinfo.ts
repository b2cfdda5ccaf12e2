/**
 * The UserInfo endpoint for our JWT access tokens. The library's own answers only opaque
 * tokens without an audience, while ours carry one so that gateways accept them; this
 * answers them instead, checked as ValidateToken checks any token, with the claims their
 * `scope` releases (OpenID Connect Core 5.4).
 */
import type { Context } from 'koa';
import type { OidcAccounts, OidcClaims } from '../../src/domain/oidc/accounts.js';
import { parseBearer } from '../../src/transport/shared/bearer-token.js';

/** Which claims each scope releases; `sub` always. */
const RELEASED: Readonly<Record<string, readonly (keyof OidcClaims)[]>> = {
  profile: ['name', 'given_name', 'family_name'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
};

export function userinfoHandler(accounts: OidcAccounts): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const token = parseBearer(ctx.get('Authorization'));
    if (token === undefined) return refuse(ctx, 401, 'invalid_request', 'the access token goes in the Authorization header (Bearer)');
    const claims = await accounts.claimsOfToken(token);
    if (claims === null) return refuse(ctx, 401, 'invalid_token', 'the access token is invalid, expired or revoked');
    const scopes = scopesOf(token);
    if (!scopes.includes('openid')) return refuse(ctx, 403, 'insufficient_scope', 'the access token was not granted the openid scope');
    const answer: Record<string, unknown> = { sub: claims.sub };
    for (const scope of scopes) for (const claim of RELEASED[scope] ?? []) answer[claim] = claims[claim];
    ctx.type = 'application/json';
    ctx.body = answer;
  };
}

/** The scopes of a token already verified. */
function scopesOf(token: string): string[] {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { scope?: unknown };
  return typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
}

function refuse(ctx: Context, status: 401 | 403, error: string, description: string): void {
  ctx.status = status;
  ctx.set('WWW-Authenticate', `Bearer error="${error}", error_description="${description}"`);
  ctx.body = { error, error_description: description };
}
