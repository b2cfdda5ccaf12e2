/**
 * Mounts the OpenID Provider in the bridge: its routes under /oidc/ and the discovery
 * document, answered by the provider built for the key set as it is now. The provider
 * sees the request as addressed to PUBLIC_URL whatever its Host or X-Forwarded-* say, so
 * no URL it gives out (discovery, redirects) comes from the request.
 */
import type { IncomingMessage } from 'node:http';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { NO_REQUEST, type RequestContext } from '../../src/domain/kernel/request.js';
import type { SigningKeySet } from '../../src/domain/signing-keys/ports.js';
import { onFirstUse } from '../../src/transport/shared/on-first-use.js';
import { recordedUserAgent } from '../../src/transport/shared/user-agent.js';
import type { CookiePolicy } from '../cookie-policy.js';
import { HttpError } from '../middleware/http-error.js';
import type { PageRenderer } from '../pages/page-renderer.js';
import { OPENID_CONFIGURATION_PATH } from '../routes/well-known-routes.js';
import { interactionOrigins } from './interaction-origins.js';
import { interactionRoutes } from './interactions.js';
import { introspectionHandler } from './introspection.js';
import type { OidcProviderDependencies, ProviderPages } from './provider-configuration.js';
import type { KeystoreState } from './provider-keys.js';
import { INTERACTION_PATH, OIDC_ROUTES } from './provider-paths.js';
import { userinfoHandler } from './userinfo.js';

/** What the bridge needs to serve the provider: everything but the request's source, which the mount supplies. */
export interface OidcMount {
  provider: Omit<OidcProviderDependencies, 'requestOf' | 'endBrowserSession' | 'pages'>;
  keys: Pick<SigningKeySet, 'signer' | 'publicKeys'>;
}

/** Every path the provider answers, with its methods: the gateways pass them as public (route-access.ts). */
const PROVIDER_ROUTES: ReadonlyArray<[path: string, methods: readonly ('get' | 'post')[]]> = [
  [OPENID_CONFIGURATION_PATH, ['get']],
  [OIDC_ROUTES.authorization, ['get', 'post']],
  [`${OIDC_ROUTES.authorization}/:uid`, ['get']],
  [OIDC_ROUTES.token, ['post']],
  [OIDC_ROUTES.userinfo, ['get', 'post']],
  [OIDC_ROUTES.introspection, ['post']],
  [OIDC_ROUTES.revocation, ['post']],
  [OIDC_ROUTES.end_session, ['get', 'post']],
  [`${OIDC_ROUTES.end_session}/confirm`, ['post']],
  [`${OIDC_ROUTES.end_session}/success`, ['get']],
  [`${INTERACTION_PATH}/:uid`, ['get']],
  [`${INTERACTION_PATH}/:uid/consent`, ['post']],
];

function providerRouter(handle: Middleware): Router {
  const router = new Router({ strict: true, sensitive: true });
  for (const [path, methods] of PROVIDER_ROUTES) for (const method of methods) router[method](path, handle);
  return router;
}

/**
 * The provider's routes, or for them a 404 saying why there is none: `mount` is null in a
 * bridge started alone, and the key set signs HS256 (nothing published to verify an ID
 * token with) in the original deployments' mode.
 */
/** What the provider's own pages (consent, sign-out, errors) are rendered and guarded with. */
export interface OidcPages {
  /** The hosted pages' renderer; null when they are off (UI_ENABLED=false): then no consent page is offered. */
  renderer: PageRenderer | null;
  /** The pages the provider renders itself (provider-pages.tsx), served whether or not the hosted pages are on. */
  providerPages: ProviderPages;
  /** The bridge's cross-site guard, for the forms the bridge itself answers (the consent decision). */
  crossSiteGuard: Middleware;
}

export function oidcProvider(mount: OidcMount | null, cookies: CookiePolicy, bodyLimitBytes: number, pages: OidcPages): Router {
  if (mount === null) {
    return providerRouter(() => {
      throw new HttpError('OIDC_NOT_SERVED', 'the OpenID Provider runs in the process that also runs the service (the `all` role)');
    });
  }
  const sources = new WeakMap<IncomingMessage, RequestContext>();
  const deps: OidcProviderDependencies = {
    ...mount.provider,
    pages: pages.providerPages,
    requestOf: (ctx: KoaContextWithOIDC) => sources.get(ctx.req) ?? NO_REQUEST,
    endBrowserSession: (ctx: KoaContextWithOIDC) => {
      const token = cookies.readAccess(ctx);
      cookies.clearSession(ctx);
      if (token !== undefined) void mount.provider.accounts.endSignIn(token);
    },
  };
  const publicUrl = new URL(mount.provider.issuer);
  let current: { keystore: KeystoreState; provider: Provider; handle: ReturnType<Provider['callback']> } | null = null;
  // oidc-provider and the modules built on it load at the first request the provider
  // answers, not at start: some 5 MB at ready and 850 KB of the bundle to compile, which an
  // instance no OpenID client calls never needs (docs/benchmarks.md, "Cold start and memory
  // at ready").
  const loaded = onFirstUse(async () => {
    const [configuration, keys] = await Promise.all([import('./provider-configuration.js'), import('./provider-keys.js')]);
    return { buildProvider: configuration.buildProvider, keystores: new keys.ProviderKeystores(mount.keys) };
  });

  const unavailable = () =>
    new HttpError(
      'OIDC_UNAVAILABLE',
      'no OpenID Provider while tokens are signed HS256 with JWT_SECRET_KEY: set JWT_ALGORITHM=ES256 and KEY_ENCRYPTION_KEY (docs/signing-keys.md)',
    );

  /** The provider for the key set as it is now, with the request made PUBLIC_URL's. */
  const providerFor = async (ctx: Context) => {
    // Answered before loading: an HS256 deployment never serves the provider, however often it is asked.
    if (mount.keys.signer().algorithm === 'HS256') throw unavailable();
    const { buildProvider, keystores } = await loaded();
    const keystore = keystores.current();
    if (keystore === null) throw unavailable();
    // One provider per keystore: a rotation (a new keystore) builds the next one.
    if (current?.keystore !== keystore) {
      const provider = buildProvider(deps, keystore);
      // The provider reads its origin from the headers set below, which come from PUBLIC_URL only.
      provider.proxy = true;
      current = { keystore, provider, handle: provider.callback() };
    }
    const { req } = ctx;
    sources.set(req, {
      ip: ctx.state['clientIp'] as string,
      userAgent: recordedUserAgent(ctx.get('User-Agent')),
      requestId: (ctx.state['requestId'] as string | undefined) ?? '',
    });
    req.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
    req.headers['x-forwarded-host'] = publicUrl.host;
    req.headers.host = publicUrl.host;
    delete req.headers['x-forwarded-for'];
    // A PUBLIC_URL with a path (a proxy that strips it before the bridge): the provider names its URLs under it.
    if (publicUrl.pathname !== '/') (req as IncomingMessage & { originalUrl?: string }).originalUrl = `${publicUrl.pathname.replace(/\/$/, '')}${req.url}`;
    return current;
  };

  const router = providerRouter(async (ctx) => {
    const { handle } = await providerFor(ctx);
    ctx.respond = false;
    await handle(ctx.req, ctx.res);
  });
  // Registered first, so they answer before the provider's own handler of the same path.
  const userinfo = userinfoHandler(mount.provider.accounts);
  const own = new Router({ strict: true, sensitive: true });
  own.get(OIDC_ROUTES.userinfo, userinfo);
  own.post(OIDC_ROUTES.userinfo, userinfo);
  own.post(
    OIDC_ROUTES.introspection,
    introspectionHandler({ accounts: mount.provider.accounts, serviceClients: mount.provider.serviceClients, store: mount.provider.store, bodyLimitBytes }),
  );
  interactionRoutes(own, {
    provider: async (ctx) => (await providerFor(ctx)).provider,
    accounts: mount.provider.accounts,
    store: mount.provider.store,
    cookies,
    renderer: pages.renderer,
    origins: interactionOrigins(mount.provider),
    bodyLimitBytes,
    crossSiteGuard: pages.crossSiteGuard,
  });
  own.use(router.routes());
  return own;
}
