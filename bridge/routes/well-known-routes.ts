/**
 * The discovery routes off-the-shelf verifiers (Envoy jwt_authn, Kong, jose's
 * createRemoteJWKSet, Go's jwx) are pointed at: the JWKS and a minimal OpenID discovery
 * document naming it. Public and cacheable, unlike every other answer of the bridge.
 */
import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ClientAuthCalls } from '../../src/sdk/typed-client.js';

export const JWKS_PATH = '/.well-known/jwks.json';
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';

/** The discovery document changes only with a deployment; caches may keep it this long. */
const DISCOVERY_MAX_AGE_SECONDS = 3600;

export interface WellKnownDependencies {
  api: ClientAuthCalls;
  issuer: string;
  /**
   * PUBLIC_URL, where every URL the documents name starts. Never the request's Host or
   * X-Forwarded-Host: these answers are public and cached, so one request naming another
   * host would point every verifier behind the cache at it.
   */
  publicUrl: string;
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

  const discovery = {
    issuer: deps.issuer,
    jwks_uri: `${deps.publicUrl}${JWKS_PATH}`,
    id_token_signing_alg_values_supported: ['ES256', 'EdDSA'],
  };
  router.get(OPENID_CONFIGURATION_PATH, (ctx) => {
    answerCacheable(ctx, discovery, DISCOVERY_MAX_AGE_SECONDS);
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
