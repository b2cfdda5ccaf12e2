/**
 * RFC 7009 revocation of our JWT access tokens at the provider's revocation endpoint. The
 * library revokes only the tokens it stores (refresh tokens here), and refuses a JWT with
 * `unsupported_token_type` once it has authenticated the client. That refusal is where this
 * takes over: the client is then known and authenticated by the library's own client
 * authentication (our secret check, its attempt limits, public clients by id), and the
 * token is revoked by the domain if it was issued to that client. The answer is 200 with an
 * empty body either way (RFC 7009 section 2.2: another client's or an unknown token changes
 * nothing and says nothing).
 */
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { UnavailableError } from '../../src/domain/kernel/errors.js';
import type { OidcAccessTokenRevocation } from '../../src/domain/oidc/access-token-revocation.js';

export function revokeStructuredAccessTokens(provider: Provider, revocation: OidcAccessTokenRevocation): void {
  // The library's refusal of a JWT (ADR 0019, internals): it comes after client authentication.
  const refused = new WeakSet<KoaContextWithOIDC>();
  provider.on('revocation.error', (ctx: KoaContextWithOIDC, error: unknown) => {
    if (error instanceof errors.UnsupportedTokenType) refused.add(ctx);
  });
  provider.use(async (ctx, next) => {
    await next();
    const oidc = (ctx as KoaContextWithOIDC).oidc;
    if (!refused.has(ctx as KoaContextWithOIDC) || oidc?.client === undefined) return;
    const token = oidc.params?.['token'];
    try {
      if (typeof token === 'string') await revocation.revokeAccessToken(oidc.client.clientId, token);
    } catch (error) {
      if (!(error instanceof UnavailableError)) throw error;
      // RFC 7009 section 2.2.1: the client may retry; saying 200 would claim a revocation that did not happen.
      ctx.status = 503;
      ctx.set('Retry-After', '1');
      ctx.type = 'application/json';
      ctx.body = { error: 'temporarily_unavailable', error_description: 'the revocation list cannot be reached; retry' };
      return;
    }
    ctx.status = 200;
    ctx.body = '';
  });
}
