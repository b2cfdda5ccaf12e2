/**
 * The path gate in front of the bridge's routers (bridge/middleware/path-gate.ts): a router
 * is skipped only for a path none of its routes can match, and then the request goes on as
 * the router's own miss would send it, answered by real Koa.
 */
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import { pathGated } from '../../../bridge/middleware/path-gate.js';

async function answers(router: Router, paths: string[]): Promise<Record<string, string>> {
  const app = new Koa();
  app.use(pathGated(router));
  app.use(router.allowedMethods());
  // What answers after the routers, for GETs only (the rest end 404, which allowedMethods may turn into 405).
  app.use((ctx) => {
    if (ctx.method === 'GET') ctx.body = `fallthrough matched=${Array.isArray(ctx['matched']) ? ctx['matched'].length : 'unset'}`;
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const result: Record<string, string> = {};
    for (const path of paths) {
      const [method, target] = path.includes(' ') ? (path.split(' ') as [string, string]) : ['GET', path];
      const response = await fetch(`${url}${target}`, { method });
      result[path] = `${response.status} ${await response.text()}`;
    }
    return result;
  } finally {
    server.close();
  }
}

describe('A router behind the path gate', () => {
  const router = () => {
    const r = new Router({ strict: true, sensitive: true });
    r.get('/me', (ctx) => {
      ctx.body = 'me';
    });
    r.get('/items/:id', (ctx) => {
      ctx.body = `item ${ctx.params['id']}`;
    });
    r.use('/hooks', async (ctx, next) => {
      ctx.set('X-Hook', 'yes');
      await next();
    });
    return r;
  };

  it('answers every path one of its routes matches, parameters and prefixes included', async () => {
    const result = await answers(router(), ['/me', '/items/42', '/hooks/x', 'POST /me']);
    expect(result['/me']).to.equal('200 me');
    expect(result['/items/42']).to.equal('200 item 42');
    // The middleware matched, no route did: on to the next middleware, as without the gate.
    expect(result['/hooks/x']).to.equal('200 fallthrough matched=1');
    // The path is the router's, the method is not: its allowedMethods still says so.
    expect(result['POST /me']).to.match(/^405 /);
  });

  it('passes any other path on as the router would on a miss, with nothing matched', async () => {
    const result = await answers(router(), ['/other', '/m', '/Me', '/items']);
    for (const path of ['/other', '/m', '/Me', '/items']) expect(result[path], path).to.equal('200 fallthrough matched=0');
  });

  it('carries its router, as the route listing of the gateways reads it', () => {
    const inner = router();
    expect((pathGated(inner) as { router?: Router }).router).to.equal(inner);
  });

  it('runs a router it cannot read every time: case-insensitive, or with a route at the root', async () => {
    const insensitive = new Router({ strict: true });
    insensitive.get('/me', (ctx) => {
      ctx.body = 'me';
    });
    expect((await answers(insensitive, ['/ME']))['/ME']).to.equal('200 me');
    const rooted = new Router({ strict: true, sensitive: true });
    rooted.get('/', (ctx) => {
      ctx.body = 'root';
    });
    rooted.get('/:page', (ctx) => {
      ctx.body = `page ${ctx.params['page']}`;
    });
    expect((await answers(rooted, ['/about']))['/about']).to.equal('200 page about');
  });
});
