import type { Context } from 'koa';

/**
 * Sets one response header to one text value, as Koa's `ctx.set(name, value)` does (and, as
 * there, nothing once the headers are sent), without the arrays and the closure Koa's `set`
 * builds on every call: the headers every answer carries made `set` Koa's largest allocator
 * per request (docs/benchmarks.md, "What a `GET /me` allocates").
 */
export function setHeader(ctx: Context, name: string, value: string): void {
  if (!ctx.headerSent) ctx.res.setHeader(name, value);
}
