import { expect } from 'chai';
import { PROTECTED_PATHS, PUBLIC_PATHS, routeAccess } from '../../../bridge/routes/route-access.js';
import { everyBridgeRoute } from '../../support/bridge-routes.js';

describe("The bridge's routes, public or protected at the gateway (bridge/routes/route-access.ts)", () => {
  const routes = everyBridgeRoute();

  it('reads the routers: the JSON, recovery, discovery and page routes are all there', () => {
    const named = routes.map((route) => `${route.method} ${route.path}`);
    expect(named).to.include.members([
      'POST /login',
      'POST /login/complete',
      'GET /.well-known/jwks.json',
      'GET /sign-in',
      'GET /account',
      'DELETE /passkeys/:id',
    ]);
  });

  it('classifies every path a router registers, whatever the method', () => {
    const unclassified = routes.filter((route) => routeAccess(route.path) === undefined).map((route) => `${route.method} ${route.path}`);
    expect(unclassified, 'add each to PUBLIC_PATHS or PROTECTED_PATHS, and to the gateway configs').to.deep.equal([]);
  });

  it('names no path twice, and none the routers no longer register', () => {
    expect(PUBLIC_PATHS.filter((path) => PROTECTED_PATHS.includes(path))).to.deep.equal([]);
    const registered = new Set(routes.map((route) => route.path));
    expect([...PUBLIC_PATHS, ...PROTECTED_PATHS].filter((path) => !registered.has(path))).to.deep.equal([]);
  });
});
