/**
 * The gateway configs this repository cannot run here (Traefik has no Debian package,
 * Envoy none either), held to the contract the running ones are tested against: the same
 * check, the same identity headers, the same admin location.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { routeAccess } from '../../../bridge/routes/route-access.js';
import { AuthorizationService } from '../../../gen/envoy/service/auth/v3/external_auth.js';
import { CLIENT_GROUPS_HEADER, CLIENT_ID_HEADER, CLIENT_KIND_HEADER, SESSION_ID_HEADER } from '../../../src/transport/shared/gateway-identity.js';
import { everyBridgeRoute, NEAR_MISSES, samplePath } from '../../support/bridge-routes.js';
import { GATEWAY_CONFIGS } from './real-gateways.js';

const IDENTITY = [CLIENT_ID_HEADER, CLIENT_KIND_HEADER, CLIENT_GROUPS_HEADER, SESSION_ID_HEADER];
const read = (file: string) => parse(fs.readFileSync(path.join(GATEWAY_CONFIGS, file), 'utf8'));
const lower = (names: string[]) => names.map((name) => name.toLowerCase());

interface TraefikRouter {
  rule: string;
  priority?: number;
  middlewares?: string[];
  service: string;
}

/**
 * Whether a Traefik rule matches a request: the rules of traefik-dynamic.yml are Path,
 * PathPrefix, PathRegexp (Go's RE2, whose syntax these patterns share with JavaScript's)
 * and Method, joined by `&&` and `||` (no parentheses); anything else fails here rather
 * than being misread.
 */
function traefikMatches(rule: string, method: string, path: string): boolean {
  return rule.split(' || ').some((term) =>
    term.split(' && ').every((atom) => {
      const parsed = /^(Path|PathPrefix|PathRegexp|Method)\(`([^`]*)`\)$/.exec(atom.trim());
      if (parsed === null) throw new Error(`a rule this test cannot read: ${atom}`);
      const [, matcher, value] = parsed as unknown as [string, string, string];
      if (matcher === 'Method') return method === value;
      if (matcher === 'Path') return path === value;
      if (matcher === 'PathPrefix') return path.startsWith(value);
      return new RegExp(value).test(path);
    }),
  );
}

/** The router Traefik picks for a request: the highest priority among those that match (the rule's length when none is set). */
function traefikRouter(routers: Record<string, TraefikRouter>, method: string, path: string): string {
  const matching = Object.entries(routers).filter(([, router]) => traefikMatches(router.rule, method, path));
  matching.sort(([, a], [, b]) => (b.priority ?? b.rule.length) - (a.priority ?? a.rule.length));
  if (matching.length === 0) throw new Error(`no router matches ${method} ${path}`);
  return matching[0]![0];
}

describe('The shipped gateway configs', () => {
  describe('traefik-dynamic.yml', () => {
    const config = read('traefik-dynamic.yml');
    const middlewares = config.http.middlewares;

    it('asks /auth, and /auth?group=admin for the admin routes, copying the four identity headers', () => {
      expect(middlewares['client-auth'].forwardAuth.address).to.equal('http://127.0.0.1:8000/auth');
      expect(middlewares['client-auth-admin'].forwardAuth.address).to.equal('http://127.0.0.1:8000/auth?group=admin');
      for (const name of ['client-auth', 'client-auth-admin']) expect(lower(middlewares[name].forwardAuth.authResponseHeaders)).to.deep.equal(IDENTITY);
      expect(config.http.routers['app-admin'].middlewares).to.deep.equal(['strip-client-headers', 'client-auth-admin']);
    });

    it('deletes the identity headers a client sent before the check, on every checked route', () => {
      expect(lower(Object.keys(middlewares['strip-client-headers'].headers.customRequestHeaders))).to.deep.equal(IDENTITY);
      expect(Object.values(middlewares['strip-client-headers'].headers.customRequestHeaders)).to.deep.equal(['', '', '', '']);
      for (const router of ['app', 'app-admin']) expect(config.http.routers[router].middlewares[0]).to.equal('strip-client-headers');
    });

    it('routes every bridge route as the bridge classifies it: public ones unchecked to the bridge, protected ones checked first', () => {
      const routers: Record<string, TraefikRouter> = config.http.routers;
      const wrong = everyBridgeRoute().flatMap((route) => {
        const name = traefikRouter(routers, route.method, samplePath(route.path));
        const checked = (routers[name]!.middlewares ?? []).includes('client-auth');
        const right = routers[name]!.service === 'client-auth' && checked === (routeAccess(route.path) === 'protected');
        return right ? [] : [`${route.method} ${route.path}: ${routeAccess(route.path)}, routed to ${name}`];
      });
      expect(wrong).to.deep.equal([]);
    });

    it('passes the CORS preflight (OPTIONS) of a protected bridge route to the bridge unchecked', () => {
      const routers: Record<string, TraefikRouter> = config.http.routers;
      const wrong = everyBridgeRoute()
        .filter((route) => routeAccess(route.path) === 'protected')
        .map((route) => traefikRouter(routers, 'OPTIONS', samplePath(route.path)))
        .filter((name) => routers[name]!.service !== 'client-auth' || (routers[name]!.middlewares ?? []).length > 0);
      expect(wrong).to.deep.equal([]);
    });

    it('checks a path that only starts like a public route, and sends it to the application', () => {
      const routers: Record<string, TraefikRouter> = config.http.routers;
      for (const method of ['GET', 'OPTIONS'])
        expect(NEAR_MISSES.map((path) => `${path}: ${traefikRouter(routers, method, path)}`)).to.deep.equal(NEAR_MISSES.map((path) => `${path}: app`));
    });
  });

  describe('envoy.yaml', () => {
    const config = read('envoy.yaml');
    const manager = config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const extAuthz = manager.http_filters.find((filter: { name: string }) => filter.name === 'envoy.filters.http.ext_authz').typed_config;
    const routes = manager.route_config.virtual_hosts[0].routes;

    it("calls client-auth's gRPC port over HTTP/2 with the v3 API, failing closed", () => {
      expect(extAuthz.transport_api_version).to.equal('V3');
      expect(extAuthz.failure_mode_allow).to.equal(false);
      const cluster = config.static_resources.clusters.find((c: { name: string }) => c.name === extAuthz.grpc_service.envoy_grpc.cluster_name);
      expect(cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].explicit_http_config).to.have.key(
        'http2_protocol_options',
      );
      expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value).to.equal(50051);
      // The RPC Envoy calls is the one client-auth serves.
      expect(AuthorizationService.check.path).to.equal('/envoy.service.auth.v3.Authorization/Check');
    });

    it("asks for the admin group on /admin/ and skips the check only on the bridge's public routes", () => {
      const admin = routes.find((route: EnvoyRoute) => route.match.prefix === '/admin/');
      expect(admin.typed_per_filter_config['envoy.filters.http.ext_authz'].check_settings.context_extensions).to.deep.equal({ group: 'admin' });
      const unchecked = routes.filter((route: EnvoyRoute) => !envoyChecks(route));
      expect(unchecked.map((route: EnvoyRoute) => route.route.cluster)).to.deep.equal(['client_auth_bridge', 'client_auth_bridge', 'client_auth_bridge']);
    });

    it('routes every bridge route as the bridge classifies it: public ones unchecked to the bridge, protected ones checked first', () => {
      const wrong = everyBridgeRoute().flatMap((route) => {
        const chosen = envoyRoute(routes, route.method, samplePath(route.path));
        const right = chosen.route.cluster === 'client_auth_bridge' && envoyChecks(chosen) === (routeAccess(route.path) === 'protected');
        return right ? [] : [`${route.method} ${route.path}: ${routeAccess(route.path)}, routed to ${JSON.stringify(chosen.match)}`];
      });
      expect(wrong).to.deep.equal([]);
    });

    it('passes the CORS preflight (OPTIONS) of a protected bridge route to the bridge unchecked', () => {
      const wrong = everyBridgeRoute()
        .filter((route) => routeAccess(route.path) === 'protected')
        .map((route) => envoyRoute(routes, 'OPTIONS', samplePath(route.path)))
        .filter((chosen) => chosen.route.cluster !== 'client_auth_bridge' || envoyChecks(chosen));
      expect(wrong).to.deep.equal([]);
    });

    it('checks a path that only starts like a public route, and sends it to the application', () => {
      for (const path of NEAR_MISSES) {
        const chosen = envoyRoute(routes, 'GET', path);
        expect([path, chosen.route.cluster, envoyChecks(chosen)]).to.deep.equal([path, 'app', true]);
      }
    });
  });
});

interface EnvoyRoute {
  match: { prefix?: string; safe_regex?: { regex: string }; headers?: { name: string; string_match: { exact: string } }[] };
  route: { cluster: string };
  typed_per_filter_config?: Record<string, { disabled?: boolean; check_settings?: unknown }>;
}

/** The route Envoy takes for a request: the first that matches (a safe_regex must match the whole path). */
function envoyRoute(routes: EnvoyRoute[], method: string, path: string): EnvoyRoute {
  const chosen = routes.find(({ match }) => {
    for (const header of match.headers ?? []) {
      if (header.name !== ':method') throw new Error(`a header match this test cannot read: ${JSON.stringify(header)}`);
      if (header.string_match.exact !== method) return false;
    }
    if (match.prefix !== undefined) return path.startsWith(match.prefix);
    if (match.safe_regex !== undefined) return new RegExp(`^(?:${match.safe_regex.regex})$`).test(path);
    throw new Error(`a route match this test cannot read: ${JSON.stringify(match)}`);
  });
  if (chosen === undefined) throw new Error(`no route matches ${path}`);
  return chosen;
}

const envoyChecks = (route: EnvoyRoute) => route.typed_per_filter_config?.['envoy.filters.http.ext_authz']?.disabled !== true;
