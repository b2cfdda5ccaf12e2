/**
 * The gateway configs this repository cannot run here (Traefik has no Debian package,
 * Envoy none either), held to the contract the running ones are tested against: the same
 * check, the same identity headers, the same admin location.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { AuthorizationService } from '../../../gen/envoy/service/auth/v3/external_auth.js';
import { CLIENT_GROUPS_HEADER, CLIENT_ID_HEADER, CLIENT_KIND_HEADER, SESSION_ID_HEADER } from '../../../src/transport/shared/gateway-identity.js';
import { GATEWAY_CONFIGS } from './real-gateways.js';

const IDENTITY = [CLIENT_ID_HEADER, CLIENT_KIND_HEADER, CLIENT_GROUPS_HEADER, SESSION_ID_HEADER];
const read = (file: string) => parse(fs.readFileSync(path.join(GATEWAY_CONFIGS, file), 'utf8'));
const lower = (names: string[]) => names.map((name) => name.toLowerCase());

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

    it("asks for the admin group on /admin/ and skips the check only on the bridge's browser routes", () => {
      const admin = routes.find((route: { match: { prefix?: string } }) => route.match.prefix === '/admin/');
      expect(admin.typed_per_filter_config['envoy.filters.http.ext_authz'].check_settings.context_extensions).to.deep.equal({ group: 'admin' });
      const unchecked = routes.filter(
        (route: { typed_per_filter_config?: Record<string, { disabled?: boolean }> }) =>
          route.typed_per_filter_config?.['envoy.filters.http.ext_authz']?.disabled,
      );
      expect(unchecked.map((route: { route: { cluster: string } }) => route.route.cluster)).to.deep.equal(['client_auth_bridge']);
    });
  });
});
