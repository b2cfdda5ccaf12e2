/**
 * A router's middleware that only runs for paths one of its routes can match. Each
 * @koa/router a request crosses reads the Host header, logs through `debug` and tests the
 * path against every route it holds, whatever the path: a `GET /me` crossed three routers
 * to reach the one that answers it (docs/benchmarks.md, "One router per `GET /me`").
 *
 * Guaranteed: the gate skips a router only when no route of it can match the path (it
 * compares the path with each route's literal beginning, the part before any parameter or
 * pattern), and then leaves the context as the router's own miss would (`ctx.matched` set,
 * which the routers' allowedMethods read). A router whose routes the gate cannot read
 * (case-insensitive, a custom router path, a RegExp route) is always run.
 */
import type Router from '@koa/router';
import type { Middleware } from 'koa';

export function pathGated(router: Router): Middleware {
  const routes = router.routes() as Middleware;
  const beginnings = literalBeginnings(router);
  // A route beginning with '/' alone can match any path: nothing to skip.
  if (beginnings === null || beginnings.some((beginning) => beginning.length < 2)) return routes;
  // Grouped by the character after the leading '/', so a request compares its path with a few of them only.
  const byFirst = new Map<string, string[]>();
  for (const beginning of beginnings) byFirst.set(beginning[1]!, [...(byFirst.get(beginning[1]!) ?? []), beginning]);
  const gate: Middleware = (ctx, next) => {
    const path = ctx.path;
    const candidates = byFirst.get(path.charAt(1));
    if (candidates !== undefined) for (const beginning of candidates) if (path.startsWith(beginning)) return routes(ctx, next);
    ctx['matched'] ??= [];
    return next();
  };
  // It carries its router, as the router's own middleware does: the route listing reads it (route-access.ts).
  return Object.assign(gate, { router });
}

/** The literal beginnings of the router's routes (none the beginning of another), or null when one of them cannot be read so. */
function literalBeginnings(router: Router): string[] | null {
  const opts = router.opts as { sensitive?: boolean; routerPath?: string; host?: unknown };
  if (opts.sensitive !== true || opts.routerPath !== undefined || opts.host !== undefined) return null;
  const beginnings = new Set<string>();
  for (const layer of router.stack) {
    if (typeof layer.path !== 'string') return null;
    // Up to the first parameter, group, wildcard or escape of path-to-regexp.
    const literal = layer.path.split(/[:*({\\?+]/, 1)[0] ?? '';
    if (literal === '') return null;
    beginnings.add(literal);
  }
  const all = [...beginnings];
  return all.filter((beginning) => !all.some((other) => other !== beginning && beginning.startsWith(other)));
}
