/**
 * Envoy's ext_authz Check, asked two ways with the same cases: with the client ts-proto
 * generates from our declaration of Envoy's messages, and with Envoy's own Go types
 * (test/interop/envoy-check, built from github.com/envoyproxy/go-control-plane/envoy). The second
 * is what proves our field numbers and types are Envoy's.
 */
import { spawn } from 'node:child_process';
import { ChannelCredentials } from '@grpc/grpc-js';
import { expect } from 'chai';
import { AuthorizationClient, type CheckRequest, type CheckResponse } from '../../../gen/envoy/service/auth/v3/external_auth.js';
import { REASONS } from '../../../src/domain/kernel/errors.js';
import { requireTool } from '../../support/go-tools.js';
import { browserLogin, type GatewayService, type LoggedIn, logout, startGatewayService, suspend } from './gateway-fixture.js';

/** A case as Envoy would send it. */
interface Case {
  name: string;
  headers: Record<string, string>;
  context?: Record<string, string>;
}

/** What Envoy reads from the answer, in the shape test/interop/envoy-check prints. */
interface Outcome {
  name: string;
  call_code: number;
  status_code: number;
  response: 'ok' | 'denied' | '';
  headers_to_set?: { key: string; value: string; append_action: string }[];
  headers_to_remove?: string[];
  denied_status?: number;
  denied_headers?: { key: string; value: string }[];
  denied_body?: string;
}

type Checker = (address: string, cases: Case[]) => Promise<Outcome[]>;

const APPEND_ACTIONS = ['APPEND_IF_EXISTS_OR_ADD', 'ADD_IF_ABSENT', 'OVERWRITE_IF_EXISTS_OR_ADD', 'OVERWRITE_IF_EXISTS'];

const withTsProto: Checker = async (address, cases) => {
  const client = new AuthorizationClient(address, ChannelCredentials.createInsecure());
  try {
    const outcomes: Outcome[] = [];
    for (const c of cases) {
      const request: CheckRequest = {
        attributes: {
          request: { http: { id: c.name, method: 'GET', path: '/', host: 'app.example.com', headers: c.headers, headerMap: undefined } },
          contextExtensions: c.context ?? {},
        },
      };
      const response = await new Promise<CheckResponse>((resolve, reject) =>
        client.check(request, (error, answer) => (error ? reject(error) : resolve(answer))),
      );
      const http = response.httpResponse;
      const headers = (options: { header: { key: string; value: string } | undefined; appendAction: number }[]) =>
        options.map((o) => ({ key: o.header!.key, value: o.header!.value, append_action: APPEND_ACTIONS[o.appendAction]! }));
      outcomes.push({
        name: c.name,
        call_code: 0,
        status_code: response.status?.code ?? 0,
        response: http?.$case === 'okResponse' ? 'ok' : http?.$case === 'deniedResponse' ? 'denied' : '',
        ...(http?.$case === 'okResponse' ? { headers_to_set: headers(http.value.headers), headers_to_remove: http.value.headersToRemove } : {}),
        ...(http?.$case === 'deniedResponse'
          ? { denied_status: http.value.status?.code ?? 0, denied_headers: headers(http.value.headers), denied_body: http.value.body }
          : {}),
      });
    }
    return outcomes;
  } finally {
    client.close();
  }
};

function withEnvoyGoTypes(binary: string): Checker {
  return (address, cases) =>
    new Promise((resolve, reject) => {
      const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Outcome[]) : reject(new Error(`envoy-check exited ${code}: ${stderr}`))));
      child.stdin.end(JSON.stringify({ address, cases: cases.map((c) => ({ method: 'GET', path: '/', context: {}, ...c })) }));
    });
}

const setHeaders = (outcome: Outcome) => Object.fromEntries((outcome.headers_to_set ?? []).map((h) => [h.key, h.value]));

for (const [title, checkerOf] of [
  ["the client generated from our declaration of Envoy's messages", () => withTsProto],
  ["Envoy's own Go types (go-control-plane)", (ctx: Mocha.Context) => withEnvoyGoTypes(requireTool(ctx, 'envoy-check'))],
] as const) {
  describe(`Envoy ext_authz Check on the gRPC port, asked with ${title}`, function () {
    this.timeout(30000);
    let service: GatewayService;
    let check: Checker;
    let user: LoggedIn;
    const one = async (c: Case) => (await check(service.server.address, [c]))[0]!;

    before(async function () {
      check = checkerOf(this);
      service = await startGatewayService(this, 'embedded', 'grpc', 'ext-authz');
      user = await browserLogin(service);
    });
    after(async () => service?.close());

    it('allows a request with the token cookie: OK, the identity headers set (overwriting), spoofed x-client-* removed', async () => {
      const outcome = await one({
        name: 'cookie',
        headers: { cookie: `theme=dark; token=${user.token}`, 'x-client-id': 'someone-else', 'x-client-role': 'admin', 'x-session-id': 'forged' },
      });
      expect(outcome).to.include({ call_code: 0, status_code: 0, response: 'ok' });
      expect(setHeaders(outcome)).to.deep.equal({
        'x-client-id': user.id,
        'x-client-kind': 'user',
        'x-client-groups': 'user',
        'x-session-id': setHeaders(outcome)['x-session-id'],
      });
      expect(setHeaders(outcome)['x-session-id']).to.match(/^[0-9a-f-]{36}$/);
      expect(outcome.headers_to_set!.every((h) => h.append_action === 'OVERWRITE_IF_EXISTS_OR_ADD')).to.equal(true);
      expect(outcome.headers_to_remove).to.deep.equal(['x-client-role']);
    });

    it('removes spoofed headers for a token whose plain answer was given before, and gives the plain one again after', async () => {
      const plain = { name: 'plain', headers: { authorization: `Bearer ${user.token}` } };
      const spoofed = { name: 'spoofed', headers: { authorization: `Bearer ${user.token}`, 'x-client-admin': 'yes' } };
      const [first, withSpoof, again] = await check(service.server.address, [plain, spoofed, plain]);
      expect(first!.headers_to_remove ?? []).to.deep.equal([]);
      expect(withSpoof!.headers_to_remove).to.deep.equal(['x-client-admin']);
      expect(setHeaders(withSpoof!)).to.deep.equal(setHeaders(first!));
      expect(again!.headers_to_remove ?? []).to.deep.equal([]);
      expect(setHeaders(again!)['x-client-id']).to.equal(user.id);
    });

    it('allows a request with authorization: Bearer', async () => {
      const outcome = await one({ name: 'bearer', headers: { authorization: `Bearer ${user.token}` } });
      expect(outcome.response).to.equal('ok');
      expect(setHeaders(outcome)['x-client-id']).to.equal(user.id);
    });

    it('denies a request without a token: UNAUTHENTICATED, 401 with WWW-Authenticate and the JSON error body', async () => {
      const outcome = await one({ name: 'none', headers: { cookie: 'theme=dark' } });
      expect(outcome).to.include({ call_code: 0, status_code: 16, response: 'denied', denied_status: 401 });
      expect(outcome.denied_headers!.map((h) => [h.key, h.value])).to.deep.include(['www-authenticate', 'Bearer error="invalid_token"']);
      expect(JSON.parse(outcome.denied_body!)).to.deep.equal({ message: 'a token is required', reason: 'TOKEN_MISSING' });
    });

    it("applies the route's context extension group=admin: 403 PERMISSION_DENIED for a user, OK for an admin", async () => {
      const [denied, allowed] = await check(service.server.address, [
        { name: 'user', headers: { cookie: `token=${user.token}` }, context: { group: 'admin' } },
        { name: 'admin', headers: { authorization: `Bearer ${service.adminToken}` }, context: { group: 'admin' } },
      ]);
      expect(denied).to.include({ status_code: 7, response: 'denied', denied_status: 403 });
      expect(JSON.parse(denied!.denied_body!).reason).to.equal('PERMISSION_DENIED');
      expect(denied!.denied_headers!.map((h) => h.key)).to.not.include('www-authenticate');
      expect(allowed!.response).to.equal('ok');
    });

    it('applies kind=service: a user is denied 403', async () => {
      expect(await one({ name: 'kind', headers: { cookie: `token=${user.token}` }, context: { kind: 'service' } })).to.include({ denied_status: 403 });
    });

    it('denies, never allows, a context extension it does not understand: INTERNAL, 500 GATEWAY_MISCONFIGURED and an error line naming it', async () => {
      const contexts: Record<string, string>[] = [
        { groups: 'admin' },
        { Group: 'admin' },
        { group: '' },
        { kind: '' },
        { second_factor: '' },
        { kind: 'robot' },
        { second_factor: 'yes' },
        { group: 'user', 'group[]': 'admin' },
      ];
      const logged = service.server.logs.length;
      const outcomes = await check(
        service.server.address,
        contexts.map((context, n) => ({ name: `misconfigured-${n}`, headers: { authorization: `Bearer ${service.adminToken}` }, context })),
      );
      for (const [n, outcome] of outcomes.entries()) {
        expect(outcome, JSON.stringify(contexts[n])).to.include({ call_code: 0, status_code: 13, response: 'denied', denied_status: 500 });
        expect(JSON.parse(outcome.denied_body!), JSON.stringify(contexts[n])).to.deep.equal({
          message: REASONS.GATEWAY_MISCONFIGURED.message,
          reason: 'GATEWAY_MISCONFIGURED',
        });
      }
      const problems = service.server.logs
        .slice(logged)
        .map((line) => JSON.parse(line) as Record<string, string>)
        .filter((line) => line['reason'] === 'GATEWAY_MISCONFIGURED' && line['level'] === 'error')
        .map((line) => line['problem']!);
      expect(problems).to.have.length(contexts.length);
      for (const key of ['"groups"', '"Group"', '"group[]"']) expect(problems.join('\n')).to.include(key);
    });

    it('denies a logged-out session and a suspended client with 401 at once', async () => {
      const [out, suspended] = [await browserLogin(service), await browserLogin(service)];
      expect((await one({ name: 'before', headers: { cookie: `token=${suspended.token}` } })).response).to.equal('ok');
      await logout(out);
      await suspend(service, suspended.id);
      const outcomes = await check(service.server.address, [
        { name: 'logged-out', headers: { cookie: `token=${out.token}` } },
        { name: 'suspended', headers: { cookie: `token=${suspended.token}` } },
      ]);
      expect(outcomes.map((o) => [o.denied_status, JSON.parse(o.denied_body!).reason])).to.deep.equal([
        [401, 'SESSION_REVOKED'],
        [401, 'CLIENT_SUSPENDED'],
      ]);
    });
  });
}

describe('Envoy ext_authz Check with encode_raw_headers (headers in header_map, values as bytes)', function () {
  this.timeout(30000);
  let service: GatewayService;

  before(async function () {
    service = await startGatewayService(this, 'embedded', 'grpc', 'ext-authz-raw');
  });
  after(async () => service?.close());

  it('reads the token from header_map, joins repeated headers, and removes spoofed ones listed there', async () => {
    const user = await browserLogin(service);
    const raw = (key: string, value: string) => ({ key, value: '', rawValue: Buffer.from(value, 'latin1') });
    const client = new AuthorizationClient(service.server.address, ChannelCredentials.createInsecure());
    try {
      const request: CheckRequest = {
        attributes: {
          request: {
            http: {
              id: 'raw',
              method: 'GET',
              path: '/',
              host: 'app.example.com',
              headers: {},
              headerMap: { headers: [raw('cookie', 'theme=dark'), raw('Cookie', `token=${user.token}`), raw('x-client-tenant', 'other')] },
            },
          },
          contextExtensions: {},
        },
      };
      const response = await new Promise<CheckResponse>((resolve, reject) =>
        client.check(request, (error, answer) => (error ? reject(error) : resolve(answer))),
      );
      expect(response.httpResponse?.$case).to.equal('okResponse');
      const ok = response.httpResponse!.value as { headers: { header?: { key: string; value: string } }[]; headersToRemove: string[] };
      expect(ok.headers.find((h) => h.header!.key === 'x-client-id')!.header!.value).to.equal(user.id);
      expect(ok.headersToRemove).to.deep.equal(['x-client-tenant']);
    } finally {
      client.close();
    }
  });
});
