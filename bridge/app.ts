/**
 * The Koa bridge: browser routes in, gRPC calls out, JSON and Set-Cookie back. The order
 * of the middleware is the design: every request gets an id and a log line, every
 * failure passes the one error mapping, and the cross-site guard runs before any route.
 */
import Koa from 'koa';
import type { Config } from '../src/config/index.js';
import type { Logger } from '../src/domain/kernel/logger.js';
import type { ClientAuthCalls } from '../src/sdk/typed-client.js';
import type { AccessLogPolicy } from '../src/transport/grpc/access-log.js';
import type { CallObserver } from '../src/transport/grpc/unary.js';
import { CookiePolicy } from './cookie-policy.js';
import { clientIp } from './middleware/browser-ip.js';
import { crossSiteGuard } from './middleware/cross-site-guard.js';
import { errorMiddleware } from './middleware/error-middleware.js';
import { pathGated } from './middleware/path-gate.js';
import { requestLog } from './middleware/request-log.js';
import { setHeader } from './middleware/response-header.js';
import { interactionOrigins } from './oidc/interaction-origins.js';
import { type OidcMount, oidcProvider } from './oidc/provider-mount.js';
import { providerPages } from './oidc/provider-pages.js';
import { PageAssets } from './pages/page-assets.js';
import { PageRenderer } from './pages/page-renderer.js';
import { forwardAuth, type IdentityOfToken, identityOverGrpc } from './routes/forward-auth.js';
import { bridgeRoutes } from './routes/json-routes.js';
import { pageFailureAnswer, pageRoutes } from './routes/page-routes.js';
import { recoveryRoutes } from './routes/recovery-routes.js';
import { wellKnownRoutes } from './routes/well-known-routes.js';
import type { UpstreamHealth } from './upstream-health.js';

export interface BridgeAppOptions {
  config: Config['bridge'];
  api: ClientAuthCalls;
  health: UpstreamHealth;
  log: Logger;
  /** How forward auth validates a token: ValidateToken over gRPC unless given. */
  identityOf?: IdentityOfToken;
  accessLog?: AccessLogPolicy;
  observe?: CallObserver;
  /** The OpenID Provider's parts, beside the service only; absent in a bridge started alone. */
  oidc?: OidcMount;
}

export function createBridgeApp({ config, api, health, log, oidc, ...gateway }: BridgeAppOptions): Koa {
  const app = new Koa({ proxy: config.trustProxy });
  // The error middleware answers and logs every failure; Koa's own handler would only
  // repeat it on stderr.
  app.silent = true;
  const cookies = new CookiePolicy(config);
  const router = bridgeRoutes({
    api,
    health,
    cookies,
    callTimeoutMs: config.callTimeoutMs,
    bodyLimitBytes: config.bodyLimitBytes,
  });

  // Gateways' per-request check goes first: it needs none of what follows (see forward-auth.ts).
  app.use(
    forwardAuth({
      identityOf: gateway.identityOf ?? identityOverGrpc(api, config.callTimeoutMs),
      cookies,
      log,
      ...(gateway.accessLog ? { accessLog: gateway.accessLog } : {}),
      ...(gateway.observe ? { observe: gateway.observe } : {}),
    }),
  );
  app.use(clientIp(config));
  app.use(requestLog(log, gateway.accessLog));
  app.use(async (ctx, next) => {
    // Answers carry clients and set credentials: no cache may keep them.
    setHeader(ctx, 'Cache-Control', 'no-store');
    setHeader(ctx, 'X-Content-Type-Options', 'nosniff');
    await next();
  });
  // The hosted pages (UI_ENABLED): their failures are answered with a page, in their language.
  const renderer = config.ui.enabled ? new PageRenderer(config.ui, new PageAssets(config.ui)) : null;
  app.use(errorMiddleware(log, renderer ? pageFailureAnswer(renderer) : undefined));
  // Before the cross-site guard: the provider's token endpoints are called by other origins
  // by design, and its own forms carry their own CSRF tokens.
  const guard = crossSiteGuard(config.allowedOrigins);
  // The provider's own pages are ours even with the hosted pages off (then unstyled: no stylesheet is served).
  const providerPageRenderer = renderer ?? new PageRenderer(config.ui, new PageAssets(config.ui));
  const provider = oidcProvider(oidc ?? null, cookies, config.bodyLimitBytes, {
    renderer,
    crossSiteGuard: guard,
    providerPages: providerPages(providerPageRenderer),
  });
  app.use(pathGated(provider));
  app.use(guard);
  const wellKnown = wellKnownRoutes({ api, callTimeoutMs: config.callTimeoutMs });
  app.use(pathGated(wellKnown));
  app.use(wellKnown.allowedMethods());
  const recovery = recoveryRoutes({
    api,
    callTimeoutMs: config.callTimeoutMs,
    bodyLimitBytes: config.bodyLimitBytes,
    emailVerifiedRedirectUrl: config.emailVerifiedRedirectUrl,
    pages: renderer !== null,
  });
  app.use(pathGated(router));
  app.use(pathGated(recovery));
  app.use(router.allowedMethods());
  app.use(recovery.allowedMethods());
  if (renderer) {
    const pages = pageRoutes({
      api,
      cookies,
      ui: config.ui,
      renderer,
      callTimeoutMs: config.callTimeoutMs,
      bodyLimitBytes: config.bodyLimitBytes,
      emailVerifiedRedirectUrl: config.emailVerifiedRedirectUrl,
      ...(oidc ? { formOriginsOf: interactionOrigins(oidc.provider).ofReturn } : {}),
    });
    app.use(pathGated(pages));
    app.use(pages.allowedMethods());
  }
  return app;
}
