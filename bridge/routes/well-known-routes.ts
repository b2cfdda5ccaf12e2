/**
 * The JWKS off-the-shelf verifiers (Envoy jwt_authn, Kong, jose's createRemoteJWKSet, Go's
 * jwx) are pointed at, public and cacheable, unlike every other answer of the bridge. The
 * OpenID discovery document that names it is the provider's (bridge/oidc/).
 */
import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ClientAuthCalls } from '../../src/sdk/typed-client.js';

export const JWKS_PATH = '/.well-known/jwks.json';
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';

export interface WellKnownDependencies {
  api: ClientAuthCalls;
  callTimeoutMs: number;
}

export function wellKnownRoutes(deps: WellKnownDependencies): Router {
  const router = new Router({ strict: true, sensitive: true });

  router.get(JWKS_PATH, async (ctx) => {
    const { keys, cacheMaxAgeSeconds } = await deps.api.getJwks({}, { deadlineMs: deps.callTimeoutMs, requestId: ctx.state['requestId'] as string });
    // The JWK members only: an EC key has y, an OKP key must not carry an empty one.
    const jwks = { keys: keys.map(({ y, ...key }) => (y === '' ? key : { ...key, y })) };
    answerCacheable(ctx, jwks, cacheMaxAgeSeconds);
  });

  return router;
}

/** A public JSON answer with an ETag, answered 304 when the client's copy is current. */
function answerCacheable(ctx: Context, body: object, maxAgeSeconds: number): void {
  const json = JSON.stringify(body);
  ctx.set('Cache-Control', `public, max-age=${maxAgeSeconds}`);
  ctx.etag = createHash('sha256').update(json).digest('base64url').slice(0, 27);
  ctx.type = 'application/json';
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = json;
}
