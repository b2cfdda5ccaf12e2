/**
 * What a gateway in front of the bridge does with each of its routes, in one place: the
 * shipped configs (deploy/gateways) pass the public ones to the bridge unchecked and send
 * the protected ones through forward auth first. Every path a router of the bridge
 * registers is in exactly one of the two lists (test/unit/transport/bridge-route-access.test.ts
 * reads the routers' stacks; test/integration/gateways/route-access.test.ts walks every
 * route through real NGINX and Caddy).
 *
 * The classification is by path, whatever the method: a gateway routes by path, and every
 * method of a path needs the same credential. Either way the bridge checks the caller
 * itself; the gateway's check on a protected route is a second one, at the edge.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { CONSOLE_PATHS } from './console-paths.js';

export type RouteAccess = 'public' | 'protected';

/**
 * Reachable without an access token: how a browser or a client gets, renews and ends a
 * session (the second step of a login, passkey sign-in and the original's routes
 * included), the mailed links, discovery, health, and the hosted pages. The account pages
 * and the admin console are public for the gateway: they read the session from the cookies
 * themselves, renew an expired access token from the refresh cookie, and send a browser
 * without a session to /sign-in, all of which a gateway's 401 would cut short.
 */
export const PUBLIC_PATHS: readonly string[] = [
  // Sessions (JSON).
  '/register',
  '/register-user',
  '/login',
  '/login/complete',
  '/refresh',
  '/refresh-user-token',
  '/logout',
  '/passkeys/login/begin',
  '/passkeys/login/finish',
  // The mailed links and their forms (JSON, or the page without UI_ENABLED).
  '/password-reset',
  '/password-reset.js',
  '/password-reset/request',
  '/verify-email',
  // Discovery and health.
  '/.well-known/jwks.json',
  '/.well-known/openid-configuration',
  '/healthz',
  // The OpenID Provider (bridge/oidc/): its own client authentication and sessions.
  '/oidc/authorize',
  '/oidc/authorize/:uid',
  '/oidc/token',
  '/oidc/userinfo',
  '/oidc/introspect',
  '/oidc/revoke',
  '/oidc/logout',
  '/oidc/logout/confirm',
  '/oidc/logout/success',
  '/oidc/interaction/:uid',
  '/oidc/interaction/:uid/consent',
  // The hosted pages (UI_ENABLED).
  '/',
  '/assets/:file',
  '/password-strength',
  '/sign-in',
  '/sign-in/second-step',
  '/sign-in/passkey',
  '/sign-up',
  '/forgot-password',
  '/verify-email/new-link',
  '/sign-out',
  '/account',
  '/account/profile',
  '/account/password',
  '/account/sessions',
  '/account/sessions/end',
  '/account/sessions/end-others',
  '/account/sign-ins',
  '/account/delete',
  '/account/deleted',
  '/account/two-factor',
  '/account/two-factor/enrol',
  '/account/two-factor/confirm',
  '/account/two-factor/recovery-codes',
  '/account/two-factor/disable',
  '/account/passkeys',
  '/account/passkeys/rename',
  '/account/passkeys/delete',
  // The admin console (UI_ENABLED): it checks the session and the admin group itself, as the account pages do.
  ...CONSOLE_PATHS,
];

/** Need an access token (the cookie or `Authorization: Bearer`): the gateway checks it first. */
export const PROTECTED_PATHS: readonly string[] = [
  '/me',
  '/me/sign-ins',
  '/me/sessions',
  '/me/sessions/:id',
  '/me/sessions/end-others',
  '/me/delete',
  '/me/recovery-codes',
  '/delete',
  '/register-service',
  '/suspend',
  '/reinstate',
  '/reset-second-factor',
  '/totp/begin',
  '/totp/confirm',
  '/totp/disable',
  '/passkeys',
  '/passkeys/:id',
  '/passkeys/register/begin',
  '/passkeys/register/finish',
];

const ACCESS: ReadonlyMap<string, RouteAccess> = new Map([
  ...PUBLIC_PATHS.map((path) => [path, 'public'] as const),
  ...PROTECTED_PATHS.map((path) => [path, 'protected'] as const),
]);

/** The access of a route's path as its router names it (`/passkeys/:id`), or undefined for a path in neither list. */
export function routeAccess(path: string): RouteAccess | undefined {
  return ACCESS.get(path);
}

/** A route an app's routers register: one method of one path, as the router names it. */
export interface RegisteredRoute {
  method: string;
  path: string;
}

/**
 * Every route the app's routers register, read from their stacks (each `router.routes()`
 * middleware carries its router). Middleware layers (`router.use`) have no method and are
 * left out; HEAD is left out, since it goes wherever GET goes.
 */
export function registeredRoutes(app: Koa): RegisteredRoute[] {
  const routers = app.middleware.map((middleware) => (middleware as { router?: Router }).router).filter((router) => router !== undefined);
  const seen = new Map<string, RegisteredRoute>();
  for (const router of new Set(routers)) {
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        if (method === 'HEAD' || typeof layer.path !== 'string') continue;
        seen.set(`${method} ${layer.path}`, { method, path: layer.path });
      }
    }
  }
  return [...seen.values()];
}
