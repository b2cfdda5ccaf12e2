import { expect } from 'chai';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startBridgeFor, type TestBridge, WIRINGS } from './bridge-fixture.js';

const PASSWORD = 'correct horse battery';

for (const setup of SETUPS)
  for (const wiring of WIRINGS)
    describe(`The Koa bridge routes, over a real gRPC server (${SETUP_TITLES[setup]}, ${wiring} wiring)`, function () {
      this.timeout(30000);
      let server: TestServer;
      let bridge: TestBridge;
      let counter = 0;
      const email = () => `bridge${++counter}.${Date.now()}@example.com`;
      const browser = () => new CookieClient(bridge.url);

      before(async function () {
        // No reuse interval, so a replayed refresh cookie is caught at once (the interval is shown in test/integration/grpc/refresh-reuse.test.ts).
        server = await startTestServer(setupEnv(setup, this, 'bridge_routes', { REFRESH_REUSE_INTERVAL_SEC: '0' }));
        bridge = await startBridgeFor(server, wiring);
      });
      after(async () => {
        await bridge?.close();
        await server?.close();
      });

      const registration = (address: string) => ({
        email: address,
        password: PASSWORD,
        first_name: 'Ada',
        last_name: 'Lovelace',
        phone_number: '+44 20 0000',
        attributes: { team: 'engines' },
      });

      /** A registered, logged-in user's browser. */
      async function loggedIn(): Promise<{ client: CookieClient; id: string; email: string }> {
        const client = browser();
        const address = email();
        const registered = await client.post('/register', registration(address));
        expect(registered.status).to.equal(201);
        expect((await client.post('/login', { email: address, password: PASSWORD })).status).to.equal(200);
        return { client, id: registered.body.client.id, email: address };
      }

      async function loggedInAdmin(): Promise<CookieClient> {
        const client = browser();
        const address = email();
        const { body } = await client.post('/register', registration(address));
        await server.store.updateClient(body.client.id, { groups: ['user', 'admin'] });
        expect((await client.post('/login', { email: address, password: PASSWORD })).status).to.equal(200);
        return client;
      }

      describe('POST /register and /register-user', () => {
        it('registers a user and answers 201 with the client in snake_case, without any hash', async () => {
          const address = email();
          const response = await browser().post('/register', registration(address));
          expect(response.status).to.equal(201);
          expect(response.body.client).to.include({
            email: address,
            kind: 'user',
            first_name: 'Ada',
            last_name: 'Lovelace',
            phone_number: '+44 20 0000',
            suspended: false,
          });
          expect(response.body.client.groups).to.deep.equal(['user']);
          expect(response.body.client.attributes).to.deep.equal({ team: 'engines' });
          expect(new Date(response.body.client.create_time).toISOString()).to.equal(response.body.client.create_time);
          expect(JSON.stringify(response.body)).not.to.match(/\$2[aby]\$|password/i);
          expect(await server.store.countClients({ email: address })).to.equal(1);
        });

        it('accepts the original /register-user path as an alias', async () => {
          const response = await browser().post('/register-user', registration(email()));
          expect(response.status).to.equal(201);
          expect(response.body.client.kind).to.equal('user');
        });

        it('answers 409 EMAIL_TAKEN for an email that is already registered', async () => {
          const address = email();
          await browser().post('/register', registration(address));
          const response = await browser().post('/register', registration(address.toUpperCase()));
          expect(response.status).to.equal(409);
          expect(response.body).to.include({ reason: 'EMAIL_TAKEN', field: 'email' });
        });

        it('answers 400 INVALID_ARGUMENT naming the field for an invalid email, and stores nothing', async () => {
          const response = await browser().post('/register', { ...registration('not-an-email') });
          expect(response.status).to.equal(400);
          expect(response.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'email' });
          expect(await server.store.countClients({ email: 'not-an-email' })).to.equal(0);
        });

        const wrongTypes: Array<[string, Record<string, unknown>]> = [
          ['password', { password: 123 }],
          ['email', { email: ['a@example.com'] }],
          ['first_name', { first_name: { name: 'Ada' } }],
          ['attributes', { attributes: { team: 7 } }],
          ['attributes', { attributes: ['engines'] }],
        ];
        for (const [field, override] of wrongTypes) {
          it(`answers 400 INVALID_ARGUMENT naming ${field} when it has the wrong JSON type (${JSON.stringify(override)})`, async () => {
            const response = await browser().post('/register', { ...registration(email()), ...override });
            expect(response.status).to.equal(400);
            expect(response.body).to.include({ reason: 'INVALID_ARGUMENT', field });
            expect(response.body.message).to.contain(field);
          });
        }
      });

      describe('POST /login', () => {
        it('answers 200 with the client and the expiry, and keeps the tokens out of the body', async () => {
          const client = browser();
          const address = email();
          await client.post('/register', registration(address));
          const response = await client.post('/login', { email: address, password: PASSWORD });
          expect(response.status).to.equal(200);
          expect(response.body.client.email).to.equal(address);
          expect(Date.parse(response.body.access_token_expire_time)).to.be.greaterThan(Date.now());
          const accessToken = client.cookie('token')!;
          const refreshToken = client.cookie('refresh_token')!;
          expect(accessToken.split('.')).to.have.length(3);
          const text = JSON.stringify(response.body);
          expect(text).not.to.contain(accessToken);
          expect(text).not.to.contain(refreshToken);
          expect(Object.keys(response.body)).to.have.members(['message', 'client', 'access_token_expire_time', 'refresh_token_expire_time']);
        });

        it('answers 401 INVALID_CREDENTIALS for a wrong password and an unknown email alike, setting no cookie', async () => {
          const address = email();
          await browser().post('/register', registration(address));
          const wrongPassword = await browser().post('/login', { email: address, password: 'wrong password!' });
          const unknownEmail = await browser().post('/login', { email: email(), password: PASSWORD });
          for (const response of [wrongPassword, unknownEmail]) {
            expect(response.status).to.equal(401);
            expect(response.body.reason).to.equal('INVALID_CREDENTIALS');
            expect(response.cookies).to.deep.equal([]);
          }
          expect(wrongPassword.body).to.deep.equal(unknownEmail.body);
        });

        it('answers 400 INVALID_ARGUMENT naming password when the password is a number', async () => {
          const response = await browser().post('/login', { email: email(), password: 123 });
          expect(response.status).to.equal(400);
          expect(response.body).to.deep.equal({ message: 'password must be a string', reason: 'INVALID_ARGUMENT', field: 'password' });
        });
      });

      describe('GET /me', () => {
        it('returns the caller from the access cookie', async () => {
          const { client, id, email: address } = await loggedIn();
          const response = await client.get('/me');
          expect(response.status).to.equal(200);
          expect(response.body.client).to.include({ id, email: address, kind: 'user' });
        });

        it('accepts an Authorization: Bearer header from non-browser callers', async () => {
          const { client, id } = await loggedIn();
          const response = await browser().get('/me', { headers: { Authorization: `Bearer ${client.cookie('token')}` } });
          expect(response.status).to.equal(200);
          expect(response.body.client.id).to.equal(id);
        });

        it('answers 401 TOKEN_MISSING without a cookie, and 401 TOKEN_INVALID for a forged or malformed token', async () => {
          expect((await browser().get('/me')).body).to.include({ reason: 'TOKEN_MISSING' });
          const forged = browser();
          forged.setCookie('token', 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IngifQ.c2lnbmF0dXJl');
          const forgedResponse = await forged.get('/me');
          expect(forgedResponse.status).to.equal(401);
          expect(forgedResponse.body.reason).to.equal('TOKEN_INVALID');
          const malformed = await browser().get('/me', { headers: { Cookie: 'token=not a token\u00e9' } });
          expect(malformed.status).to.equal(401);
          expect(malformed.body.reason).to.equal('TOKEN_INVALID');
          const otherScheme = await browser().get('/me', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
          expect(otherScheme.status).to.equal(401);
          expect(otherScheme.body.reason).to.equal('TOKEN_INVALID');
        });
      });

      describe('GET and POST /refresh', () => {
        for (const method of ['GET', 'POST']) {
          it(`${method} rotates both cookies from the refresh cookie, and the new access token works`, async () => {
            const { client, id } = await loggedIn();
            const oldAccess = client.cookie('token');
            const oldRefresh = client.cookie('refresh_token');
            const response = await client.send(method, '/refresh');
            expect(response.status).to.equal(200);
            expect(response.body.client.id).to.equal(id);
            expect(client.cookie('token')).to.be.a('string').and.not.equal(oldAccess);
            expect(client.cookie('refresh_token')).to.be.a('string').and.not.equal(oldRefresh);
            expect(JSON.stringify(response.body)).not.to.contain(client.cookie('refresh_token'));
            expect((await client.get('/me')).status).to.equal(200);
          });
        }

        it('answers 401 TOKEN_MISSING without a refresh cookie', async () => {
          const response = await browser().post('/refresh');
          expect(response.status).to.equal(401);
          expect(response.body.reason).to.equal('TOKEN_MISSING');
        });

        it('answers 401 REFRESH_TOKEN_REUSED for a retired refresh token, clears the cookies, and ends the rotated session too', async () => {
          const { client } = await loggedIn();
          const stolen = client.cookie('refresh_token')!;
          expect((await client.post('/refresh')).status).to.equal(200);

          const attacker = browser();
          attacker.setCookie('refresh_token', stolen, '/refresh');
          const replay = await attacker.post('/refresh');
          expect(replay.status).to.equal(401);
          expect(replay.body.reason).to.equal('REFRESH_TOKEN_REUSED');
          expect(replay.cookies.map((cookie) => [cookie.name, cookie.attributes['max-age']])).to.deep.equal([
            ['token', '0'],
            ...Array(5).fill(['refresh_token', '0']),
          ]);
          const legitimate = await client.post('/refresh');
          expect(legitimate.status).to.equal(401);
          expect(legitimate.body.reason).to.equal('SESSION_REVOKED');
        });
      });

      describe('POST /logout', () => {
        it('ends the session and clears both cookies; the old access token is refused afterwards', async () => {
          const { client } = await loggedIn();
          const accessToken = client.cookie('token')!;
          const response = await client.post('/logout');
          expect(response.status).to.equal(204);
          expect(response.cookies.map((cookie) => [cookie.name, cookie.value, cookie.attributes['max-age'], cookie.attributes['path']])).to.deep.equal([
            ['token', '', '0', '/'],
            ['refresh_token', '', '0', '/refresh'],
            ['refresh_token', '', '0', '/refresh-user-token'],
            ['refresh_token', '', '0', '/account'],
            ['refresh_token', '', '0', '/admin'],
            ['refresh_token', '', '0', '/sign-out'],
          ]);
          const replay = await browser().get('/me', { headers: { Authorization: `Bearer ${accessToken}` } });
          expect(replay.status).to.equal(401);
          expect(replay.body.reason).to.equal('SESSION_REVOKED');
        });

        it('still answers 204 and clears both cookies when the session is already gone', async () => {
          const { client } = await loggedIn();
          const cookieHeader = `token=${client.cookie('token')}`;
          expect((await client.post('/logout')).status).to.equal(204);
          const again = await browser().post('/logout', undefined, { headers: { Cookie: cookieHeader } });
          expect(again.status).to.equal(204);
          expect(again.cookies.map((cookie) => [cookie.name, cookie.attributes['max-age']])).to.deep.equal([
            ['token', '0'],
            ...Array(5).fill(['refresh_token', '0']),
          ]);
          const withoutCookies = await browser().post('/logout');
          expect(withoutCookies.status).to.equal(204);
          expect(withoutCookies.cookies).to.have.length(6);
        });
      });

      describe('POST /delete and DELETE /me', () => {
        for (const [method, path] of [
          ['POST', '/delete'],
          ['DELETE', '/me'],
        ] as const) {
          it(`${method} ${path} deletes the caller, answers with the deletion request and clears the cookies`, async () => {
            const { client, id, email: address } = await loggedIn();
            const response = await client.send(method, path);
            expect(response.status).to.equal(200);
            expect(response.body.deletion_request).to.include({ client_id: id, kind: 'user', requested_by: id });
            expect(response.cookies.map((cookie) => [cookie.name, cookie.attributes['max-age']])).to.deep.equal([
              ['token', '0'],
              ...Array(5).fill(['refresh_token', '0']),
            ]);
            expect(await server.store.client(id)).to.equal(null);
            const login = await browser().post('/login', { email: address, password: PASSWORD });
            expect(login.status).to.equal(401);
          });
        }

        it('answers 401 TOKEN_MISSING when nobody is logged in', async () => {
          const response = await browser().post('/delete');
          expect(response.status).to.equal(401);
          expect(response.body.reason).to.equal('TOKEN_MISSING');
        });
      });

      describe('admin routes', () => {
        it('POST /register-service answers 403 PERMISSION_DENIED to a user who is not an admin', async () => {
          const { client } = await loggedIn();
          const response = await client.post('/register-service', { email: email(), name: 'billing' });
          expect(response.status).to.equal(403);
          expect(response.body.reason).to.equal('PERMISSION_DENIED');
        });

        it('POST /register-service answers 401 TOKEN_MISSING without a session', async () => {
          const response = await browser().post('/register-service', { email: email(), name: 'billing' });
          expect(response.status).to.equal(401);
          expect(response.body.reason).to.equal('TOKEN_MISSING');
        });

        it('POST /register-service registers a service for an admin and shows its secret once', async () => {
          const admin = await loggedInAdmin();
          const address = email();
          const response = await admin.post('/register-service', { email: address, name: 'billing', groups: ['billing'] });
          expect(response.status).to.equal(201);
          expect(response.body.client).to.include({ kind: 'service', email: address, name: 'billing' });
          expect(response.body.client.groups).to.include.members(['service', 'billing']);
          expect(response.body.client_secret).to.be.a('string').with.length.greaterThan(20);
          const issued = await server.api.issueServiceToken({ clientId: response.body.client.id, clientSecret: response.body.client_secret });
          expect(issued.accessToken).to.be.a('string');
        });

        it('POST /register-service answers 400 naming groups when groups is not a list of strings', async () => {
          const admin = await loggedInAdmin();
          const response = await admin.post('/register-service', { email: email(), name: 'billing', groups: 'billing' });
          expect(response.status).to.equal(400);
          expect(response.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'groups' });
        });

        it('POST /suspend stops the user logging in (401 CLIENT_SUSPENDED), and POST /reinstate lets them back', async () => {
          const admin = await loggedInAdmin();
          const { client: session, id, email: address } = await loggedIn();

          const suspended = await admin.post('/suspend', { id, reason: 'chargeback' });
          expect(suspended.status).to.equal(200);
          expect(suspended.body.client).to.include({ id, suspended: true, suspension_reason: 'chargeback' });
          const refused = await browser().post('/login', { email: address, password: PASSWORD });
          expect(refused.status).to.equal(401);
          expect(refused.body.reason).to.equal('CLIENT_SUSPENDED');
          // Every route answers a suspended client alike: its credentials authenticate nobody.
          for (const response of [await session.get('/me'), await session.post('/refresh')]) {
            expect(response.status).to.equal(401);
            expect(response.body.reason).to.equal('CLIENT_SUSPENDED');
          }

          const reinstated = await admin.post('/reinstate', { id });
          expect(reinstated.status).to.equal(200);
          expect(reinstated.body.client.suspended).to.equal(false);
          expect((await browser().post('/login', { email: address, password: PASSWORD })).status).to.equal(200);
        });

        it('POST /suspend answers 403 PERMISSION_DENIED to a user who is not an admin, and changes nothing', async () => {
          const { client, id } = await loggedIn();
          const response = await client.post('/suspend', { id });
          expect(response.status).to.equal(403);
          expect(response.body.reason).to.equal('PERMISSION_DENIED');
          const stored = await server.store.client(id);
          expect(stored!.suspended).to.equal(false);
        });

        it('POST /suspend and /reinstate answer 404 CLIENT_NOT_FOUND for an unknown id', async () => {
          const admin = await loggedInAdmin();
          const id = '0190d6a8-0000-7000-8000-000000000000';
          for (const path of ['/suspend', '/reinstate']) {
            const response = await admin.post(path, { id });
            expect(response.status, path).to.equal(404);
            expect(response.body.reason).to.equal('CLIENT_NOT_FOUND');
          }
        });

        it('POST /suspend answers 400 naming id when the id is missing or not a string', async () => {
          const admin = await loggedInAdmin();
          for (const body of [{}, { id: 42 }]) {
            const response = await admin.post('/suspend', body);
            expect(response.status).to.equal(400);
            expect(response.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'id' });
            expect(response.body.message).to.match(/^id /);
          }
        });
      });

      describe('GET /healthz and request ids', () => {
        it('answers 200 SERVING when the gRPC upstream is serving', async () => {
          const response = await browser().get('/healthz');
          expect(response.status).to.equal(200);
          expect(response.body).to.deep.equal({ status: 'SERVING' });
        });

        it('returns a sane incoming X-Request-Id and passes it to the gRPC server, and replaces an unsafe one', async () => {
          const kept = await browser().post('/login', { email: email(), password: PASSWORD }, { headers: { 'X-Request-Id': 'trace-123.abc' } });
          expect(kept.headers.get('x-request-id')).to.equal('trace-123.abc');
          expect(server.logs.some((line) => JSON.parse(line).requestId === 'trace-123.abc')).to.equal(true);
          const replaced = await browser().get('/healthz', { headers: { 'X-Request-Id': 'no spaces <allowed>' } });
          expect(replaced.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
        });

        it('never writes a password, a token or a cookie into the bridge log', async () => {
          const { client } = await loggedIn();
          await client.post('/refresh');
          await client.post('/logout');
          const logged = bridge.logs.join('\n');
          expect(logged).not.to.contain(PASSWORD);
          expect(logged).not.to.match(/eyJ[A-Za-z0-9_-]+\./);
          expect(logged.toLowerCase()).not.to.contain('cookie');
        });
      });
    });
