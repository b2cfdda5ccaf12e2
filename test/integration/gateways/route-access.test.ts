/**
 * Every route the bridge's routers register, through real NGINX and Caddy started with the
 * shipped configs: a public route reaches the bridge without a token, a protected one is
 * refused by the gateway without a token and reaches the bridge with one. The routes come
 * from the routers themselves (test/support/bridge-routes.ts), so a new route is walked
 * the day it is added, and fails here until bridge/routes/route-access.ts and the configs
 * say where it goes.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { type RegisteredRoute, routeAccess } from '../../../bridge/routes/route-access.js';
import { everyBridgeRoute, NEAR_MISSES, samplePath } from '../../support/bridge-routes.js';
import { skipOrFailInCI } from '../../support/skip-or-fail.js';
import { type GatewayService, startGatewayService } from './gateway-fixture.js';
import { type EchoUpstream, type GatewayName, gatewayBinary, type RunningGateway, startEchoUpstream, startGateway } from './real-gateways.js';

/** A front end on another origin, allowed to call the bridge (CORS_ORIGINS). */
const FRONT_END = 'https://front.example.com';

for (const name of ['nginx', 'caddy'] as const satisfies readonly GatewayName[]) {
  describe(`Every bridge route through ${name === 'nginx' ? 'NGINX' : 'Caddy'} with the shipped deploy/gateways config`, function () {
    this.timeout(120000);
    let service: GatewayService;
    let upstream: EchoUpstream;
    let gateway: RunningGateway;
    const routes = everyBridgeRoute();

    before(async function () {
      const bin = gatewayBinary(name);
      if (bin === null) skipOrFailInCI(this, `${name} is not installed (apt-get install ${name}; .ci/run does it)`);
      service = await startGatewayService(this, 'embedded', 'in-process', `routes-${name}`, { CORS_ORIGINS: FRONT_END });
      upstream = await startEchoUpstream();
      gateway = await startGateway(name, bin!, `127.0.0.1:${service.bridge.port}`, upstream.address);
    });
    after(async () => {
      await gateway?.stop();
      await upstream?.close();
      await service?.close();
    });

    /** What a request through the gateway did: its status, and whether the bridge's routes or the application saw it. */
    const send = async (method: string, path: string, token?: string, extra: Record<string, string> = {}) => {
      const bridgeLines = service.bridge.logs.length;
      const upstreamRequests = upstream.requests.length;
      const headers: Record<string, string> = token === undefined ? { ...extra } : { ...extra, Authorization: `Bearer ${token}` };
      const withBody = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
      if (withBody) headers['Content-Type'] = 'application/json';
      const response = await fetch(gateway.url + path, { method, headers, redirect: 'manual', ...(withBody ? { body: '{}' } : {}) });
      await response.arrayBuffer();
      // The bridge logs one `http` line per request its routes handle (forward auth's /auth writes none of them).
      const bridge = service.bridge.logs.slice(bridgeLines).some((line) => {
        const entry = JSON.parse(line) as { msg?: string; method?: string; path?: string };
        return entry.msg === 'http' && entry.method === method && entry.path === path;
      });
      const allowOrigin = response.headers.get('access-control-allow-origin');
      return { status: response.status, bridge, app: upstream.requests.length > upstreamRequests, ...(allowOrigin === null ? {} : { allowOrigin }) };
    };
    /** A user of its own for each protected route: some of them end the session or delete the account. */
    const freshToken = async () => {
      const email = `route-${randomBytes(5).toString('hex')}@example.com`;
      const password = `a route password ${randomBytes(4).toString('hex')}`;
      await service.server.api.registerUser({ email, password, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      return (await service.server.api.login({ email, password })).accessToken;
    };
    const named = (route: RegisteredRoute) => `${route.method} ${route.path}`;

    it('reads the routes from the routers: public and protected ones, every path classified', () => {
      expect(routes.filter((route) => routeAccess(route.path) === undefined).map(named)).to.deep.equal([]);
      expect(routes.filter((route) => routeAccess(route.path) === 'public').length).to.be.above(30);
      expect(routes.filter((route) => routeAccess(route.path) === 'protected').length).to.be.above(15);
    });

    it('passes every public route to the bridge without a token, never to the application', async () => {
      const failures: string[] = [];
      for (const route of routes.filter((r) => routeAccess(r.path) === 'public')) {
        const answer = await send(route.method, samplePath(route.path));
        if (!answer.bridge || answer.app) failures.push(`${named(route)}: ${JSON.stringify(answer)}`);
      }
      expect(failures, gateway.log()).to.deep.equal([]);
    });

    it('refuses every protected route without a token with 401, before the bridge or the application sees it', async () => {
      const failures: string[] = [];
      for (const route of routes.filter((r) => routeAccess(r.path) === 'protected')) {
        const answer = await send(route.method, samplePath(route.path));
        if (answer.status !== 401 || answer.bridge || answer.app) failures.push(`${named(route)}: ${JSON.stringify(answer)}`);
      }
      expect(failures, gateway.log()).to.deep.equal([]);
    });

    it('passes every protected route with a valid token to the bridge, never to the application', async () => {
      const failures: string[] = [];
      for (const route of routes.filter((r) => routeAccess(r.path) === 'protected')) {
        const answer = await send(route.method, samplePath(route.path), await freshToken());
        if (!answer.bridge || answer.app) failures.push(`${named(route)}: ${JSON.stringify(answer)}`);
      }
      expect(failures, gateway.log()).to.deep.equal([]);
    });

    it('passes a CORS preflight of every protected route to the bridge, which answers it: a preflight carries no credentials', async () => {
      const failures: string[] = [];
      for (const route of routes.filter((r) => routeAccess(r.path) === 'protected' && r.method !== 'GET')) {
        const preflight = { Origin: FRONT_END, 'Access-Control-Request-Method': route.method, 'Access-Control-Request-Headers': 'content-type' };
        const answer = await send('OPTIONS', samplePath(route.path), undefined, preflight);
        if (answer.status !== 204 || answer.allowOrigin !== FRONT_END || !answer.bridge || answer.app)
          failures.push(`OPTIONS for ${named(route)}: ${JSON.stringify(answer)}`);
      }
      expect(failures, gateway.log()).to.deep.equal([]);
    });

    it('checks a path that only starts like a public route, and sends it to the application', async () => {
      const failures: string[] = [];
      for (const path of NEAR_MISSES) {
        const anonymous = await send('GET', path);
        const signedIn = await send('GET', path, await freshToken());
        if (anonymous.status !== 401 || anonymous.bridge || anonymous.app || !signedIn.app || signedIn.bridge)
          failures.push(`${path}: ${JSON.stringify({ anonymous, signedIn })}`);
      }
      expect(failures, gateway.log()).to.deep.equal([]);
    });
  });
}
