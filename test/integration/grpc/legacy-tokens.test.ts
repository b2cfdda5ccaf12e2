import { ChannelCredentials } from '@grpc/grpc-js';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ObjectId } from 'mongodb';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import { AuthorizationClient, type CheckRequest, type CheckResponse, type OkHttpResponse } from '../../../gen/envoy/service/auth/v3/external_auth.js';
import { newClientRecord } from '../../../src/domain/clients/records.js';
import type { ClientRecord } from '../../../src/domain/kernel/client.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, TEST_SECRET, type TestServer } from '../../support/server.js';
import { startBridgeFor } from '../bridge/bridge-fixture.js';

const DAY_MS = 24 * 3600 * 1000;

/** A token exactly as the original service signed it: HS256, claims id, groups and (users) exp; no iss, aud, sid. */
function originalToken(claims: { id: string; groups?: string[] | null; exp?: number }, secret = TEST_SECRET): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', noTimestamp: true });
}

function importedClient(kind: 'user' | 'service', changes: Partial<ClientRecord> = {}): ClientRecord {
  const id = new ObjectId().toHexString();
  const fields = { id, name: kind === 'service' ? 'Reports' : '', ...changes };
  return newClientRecord(kind, `${kind}-${id}@example.org`, fields, Date.now());
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

for (const setup of SETUPS) {
  describe(`Tokens of the original service on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);

    describe('while LEGACY_TOKENS_UNTIL is ahead', () => {
      let server: TestServer;
      const until = new Date(Date.now() + 7 * DAY_MS).toISOString();
      const user = importedClient('user', { groups: ['user', 'billing'] });
      const service = importedClient('service', { groups: ['service', 'reports'] });
      const suspended = importedClient('user', { suspended: true, suspensionReason: 'suspended in the original service' });

      before(async function () {
        server = await startTestServer(setupEnv(setup, this, 'legacy', { LEGACY_TOKENS_UNTIL: until }));
        for (const client of [user, service, suspended]) await server.app.adapters.clients.insert(client);
      });
      after(async () => server?.close());

      it('accepts a user token of an imported client, with its groups read from the store, never from the token', async () => {
        const token = originalToken({ id: user.id, groups: ['admin'], exp: inAnHour() });
        const who = await server.api.validateToken({ token });
        expect(who).to.include({ clientId: user.id, kind: ClientKind.CLIENT_KIND_USER });
        expect(who.groups).to.deep.equal(['user', 'billing']);
        const me = await server.api.getMe({}, { token });
        expect(me.client!.id).to.equal(user.id);
        expect(await failure(server.api.getClient({ clientId: user.id }, { token }))).to.include({ reason: 'PERMISSION_DENIED' });
      });

      it('accepts a service token that never expires, for an imported service, until the window ends', async () => {
        const who = await server.api.validateToken({ token: originalToken({ id: service.id, groups: null }) });
        expect(who).to.include({ clientId: service.id, kind: ClientKind.CLIENT_KIND_SERVICE });
        expect(who.groups).to.deep.equal(['service', 'reports']);
        expect(who.expireTime!.toISOString()).to.equal(until);
      });

      it('refuses legacy tokens that are expired, forged, of the wrong kind, of an unknown client or of a suspended one', async () => {
        const refusals = [
          [originalToken({ id: user.id, groups: ['user'], exp: Math.floor(Date.now() / 1000) - 60 }), 'TOKEN_EXPIRED'],
          [originalToken({ id: user.id, groups: ['user'], exp: inAnHour() }, 'another secret that is long enough!!'), 'TOKEN_INVALID'],
          [originalToken({ id: user.id, groups: ['user'] }), 'TOKEN_INVALID'],
          [originalToken({ id: service.id, groups: null, exp: inAnHour() }), 'TOKEN_INVALID'],
          [originalToken({ id: new ObjectId().toHexString(), groups: ['user'], exp: inAnHour() }), 'TOKEN_INVALID'],
          [originalToken({ id: suspended.id, groups: ['user'], exp: inAnHour() }), 'CLIENT_SUSPENDED'],
          [jwt.sign({ id: user.id, exp: inAnHour() }, TEST_SECRET, { algorithm: 'HS256', keyid: 'k1' }), 'TOKEN_INVALID'],
          [jwt.sign({ id: user.id, exp: inAnHour(), iss: 'someone' }, TEST_SECRET, { algorithm: 'HS256' }), 'TOKEN_INVALID'],
          [jwt.sign({ id: user.id, exp: inAnHour() }, TEST_SECRET, { algorithm: 'HS384' }), 'TOKEN_INVALID'],
        ] as const;
        for (const [token, reason] of refusals) {
          expect(await failure(server.api.validateToken({ token })), reason).to.include({ reason });
        }
      });

      it('stops accepting a client suspended here', async () => {
        const victim = importedClient('user');
        await server.app.adapters.clients.insert(victim);
        const token = originalToken({ id: victim.id, groups: ['user'], exp: inAnHour() });
        await server.api.validateToken({ token });
        await server.app.adapters.revocations.suspendClient(victim.id);
        expect(await failure(server.api.validateToken({ token }))).to.include({ reason: 'CLIENT_SUSPENDED' });
      });

      it("ends a token at logout, user's or service's: refused from then on (SESSION_REVOKED), while the client's other tokens stay good", async () => {
        const client = importedClient('user');
        const service = importedClient('service');
        for (const imported of [client, service]) await server.app.adapters.clients.insert(imported);
        const token = originalToken({ id: client.id, groups: ['user'], exp: inAnHour() });
        const other = originalToken({ id: client.id, groups: ['user'], exp: inAnHour() + 60 });
        const serviceToken = originalToken({ id: service.id, groups: null });
        for (const ended of [token, serviceToken]) {
          await server.api.validateToken({ token: ended });
          await server.api.logout({}, { token: ended });
          expect(await failure(server.api.validateToken({ token: ended }))).to.include({ reason: 'SESSION_REVOKED' });
          expect(await failure(server.api.getMe({}, { token: ended }))).to.include({ reason: 'SESSION_REVOKED' });
        }
        expect((await server.api.validateToken({ token: other })).clientId).to.equal(client.id);
        expect((await server.api.getMe({}, { token: other })).client!.id).to.equal(client.id);
      });

      it('through the bridge: /auth names no session (no X-Session-Id at all), and POST /logout ends the token for /me and /auth', async () => {
        const client = importedClient('user');
        await server.app.adapters.clients.insert(client);
        const token = originalToken({ id: client.id, groups: ['user'], exp: inAnHour() });
        const bridge = await startBridgeFor(server, 'in-process');
        const send = (path: string, method = 'GET') => fetch(bridge.url + path, { method, headers: { Cookie: `token=${token}` } });
        try {
          const auth = await send('/auth');
          expect(auth.status).to.equal(200);
          expect(auth.headers.get('x-client-id')).to.equal(client.id);
          expect(auth.headers.has('x-session-id')).to.equal(false);
          expect((await send('/me')).status).to.equal(200);

          expect((await send('/logout', 'POST')).status).to.equal(204);
          for (const path of ['/me', '/auth']) {
            const refused = await send(path);
            expect(refused.status, path).to.equal(401);
            expect(((await refused.json()) as { reason: string }).reason, path).to.equal('SESSION_REVOKED');
          }
        } finally {
          await bridge.close();
        }
      });

      it('through ext_authz: the allowed answer sets no x-session-id and removes one the request carried', async () => {
        const client = importedClient('user');
        await server.app.adapters.clients.insert(client);
        const token = originalToken({ id: client.id, groups: ['user'], exp: inAnHour() });
        const authz = new AuthorizationClient(server.address, ChannelCredentials.createInsecure());
        try {
          const http = { id: 'legacy', method: 'GET', path: '/', host: 'app.example.com', headerMap: undefined };
          const request: CheckRequest = {
            attributes: { request: { http: { ...http, headers: { authorization: `Bearer ${token}`, 'x-session-id': 'forged' } } }, contextExtensions: {} },
          };
          const answer = await new Promise<CheckResponse>((resolve, reject) =>
            authz.check(request, (error, value) => (error ? reject(error) : resolve(value))),
          );
          expect(answer.httpResponse?.$case).to.equal('okResponse');
          const ok = answer.httpResponse!.value as OkHttpResponse;
          expect(ok.headers.map((option) => option.header!.key)).to.deep.equal(['x-client-id', 'x-client-kind', 'x-client-groups']);
          expect(ok.headersToRemove).to.deep.equal(['x-session-id']);
        } finally {
          authz.close();
        }
      });

      it('counts every accepted token in metrics and logs each client once', async () => {
        const client = importedClient('user');
        await server.app.adapters.clients.insert(client);
        const token = originalToken({ id: client.id, groups: ['user'], exp: inAnHour() });
        const metrics = createMetrics({ legacyTokens: server.app.legacyTokens! });
        const before = server.app.legacyTokens!.accepted().user;
        for (let i = 0; i < 3; i++) await server.api.validateToken({ token });
        expect(server.app.legacyTokens!.accepted().user).to.equal(before + 3);
        const text = await metrics.registry.metrics();
        expect(text).to.match(new RegExp(`clientauth_legacy_tokens_accepted_total\\{kind="user"\\} ${before + 3}\\n`));
        const lines = server.logs.filter((line) => line.includes(client.id));
        expect(lines).to.have.length(1);
        expect(lines[0]).to.include('LEGACY_TOKENS_UNTIL');
        expect(server.logs.join('\n')).to.not.include(token);
      });
    });

    for (const [title, env] of [
      ['after LEGACY_TOKENS_UNTIL', { LEGACY_TOKENS_UNTIL: new Date(Date.now() - DAY_MS).toISOString().slice(0, 10) }],
      ['without LEGACY_TOKENS_UNTIL (the default)', {}],
    ] as const) {
      describe(title, () => {
        let server: TestServer;
        const user = importedClient('user');
        const service = importedClient('service');
        before(async function () {
          server = await startTestServer(setupEnv(setup, this, 'legacy-off', env));
          for (const client of [user, service]) await server.app.adapters.clients.insert(client);
        });
        after(async () => server?.close());

        it('refuses every token of the original service with TOKEN_INVALID', async () => {
          for (const token of [originalToken({ id: user.id, groups: ['user'], exp: inAnHour() }), originalToken({ id: service.id })]) {
            expect(await failure(server.api.validateToken({ token }))).to.include({ reason: 'TOKEN_INVALID' });
          }
        });
      });
    }
  });
}
