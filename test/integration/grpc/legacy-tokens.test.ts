import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ObjectId } from 'mongodb';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import { newClientRecord } from '../../../src/domain/clients/records.js';
import type { ClientRecord } from '../../../src/domain/kernel/client.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, TEST_SECRET, type TestServer } from '../../support/server.js';

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
