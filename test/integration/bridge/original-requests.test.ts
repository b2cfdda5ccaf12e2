/**
 * The original service's (a-shine/client-auth) documented requests, replayed against the
 * bridge as its clients send them, checking what was stored: nothing a client of the
 * original sends is silently dropped.
 */
import { expect } from 'chai';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startTestBridge, type TestBridge } from './bridge-fixture.js';

const PASSWORD = 'a password of the original';
const ADMIN = { email: 'admin@example.org', password: 'the admin password' };

for (const setup of SETUPS)
  describe(`Requests of the original service, replayed against the bridge (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let bridge: TestBridge;
    let counter = 0;
    const email = () => `original${++counter}.${Date.now()}@example.org`;
    const browser = () => new CookieClient(bridge.url);

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'original_requests', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
      bridge = await startTestBridge(server.address);
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    const storedByEmail = async (address: string) => {
      const admin = browser();
      await admin.post('/login', ADMIN);
      const page = await server.api.listClients(
        { pageSize: 1, pageToken: '', emailPrefix: address, kind: 0 },
        { token: (await server.api.login(ADMIN)).accessToken },
      );
      return page.clients[0] ? server.store.client(page.clients[0].id) : null;
    };

    it("POST /register with the README's camelCase body stores the names", async () => {
      const address = email();
      // The original README's request, with a password long enough for this service.
      const response = await browser().post('/register', { password: PASSWORD, email: address, firstName: 'Bob', lastName: 'Smith' });
      expect(response.status).to.equal(201);
      const stored = await server.store.client(response.body.client.id);
      expect(stored).to.include({ email: address, firstName: 'Bob', lastName: 'Smith' });
    });

    it('POST /register-user with the original form (groups ["user"], phoneNumber) stores every field', async () => {
      const address = email();
      const response = await browser().post('/register-user', {
        password: PASSWORD,
        email: address,
        firstName: 'Ada',
        lastName: 'Lovelace',
        phoneNumber: '+44 20 0000',
        groups: ['user'],
      });
      expect(response.status).to.equal(201);
      expect(await server.store.client(response.body.client.id)).to.deep.include({
        firstName: 'Ada',
        lastName: 'Lovelace',
        phoneNumber: '+44 20 0000',
        groups: ['user'],
      });
    });

    it('refuses a registration that asks for groups, instead of dropping them', async () => {
      const address = email();
      const response = await browser().post('/register', { password: PASSWORD, email: address, groups: ['admin'] });
      expect(response.status).to.equal(400);
      expect(response.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'groups' });
      expect(await storedByEmail(address)).to.equal(null);
    });

    it('refuses a field no route knows with 400 naming it, and stores nothing', async () => {
      const address = email();
      const response = await browser().post('/register', { password: PASSWORD, email: address, firstname: 'Bob' });
      expect(response.status).to.equal(400);
      expect(response.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'firstname' });
      expect(response.body.message).to.include('first_name');
      expect(await storedByEmail(address)).to.equal(null);

      const login = await browser().post('/login', { email: address, password: PASSWORD, rememberMe: true });
      expect(login.status).to.equal(400);
      expect(login.body).to.include({ field: 'rememberMe' });
    });

    it("refuses one field sent in both spellings, and names the camelCase field in the service's errors", async () => {
      const address = email();
      const both = await browser().post('/register', { password: PASSWORD, email: address, first_name: 'A', firstName: 'B' });
      expect(both.status).to.equal(400);
      expect(both.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'firstName' });
      const tooLong = await browser().post('/register', { password: PASSWORD, email: address, firstName: 'x'.repeat(101) });
      expect(tooLong.status).to.equal(400);
      expect(tooLong.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'firstName' });
      expect(await storedByEmail(address)).to.equal(null);
    });

    it("POST /login {email, password}, GET /refresh-user-token, GET /me, POST /logout: the original's session routes", async () => {
      const address = email();
      const client = browser();
      expect((await client.post('/register', { password: PASSWORD, email: address, firstName: 'Bob', lastName: 'Smith' })).status).to.equal(201);
      const login = await client.post('/login', { password: PASSWORD, email: address });
      expect(login.status).to.equal(200);
      const firstToken = client.cookie('token');
      expect(firstToken).to.be.a('string');
      const refreshed = await client.get('/refresh-user-token');
      expect(refreshed.status).to.equal(200);
      expect(client.cookie('token')).to.be.a('string').and.not.equal(firstToken);
      // The rotated refresh cookie works on either route and either method.
      expect((await client.get('/refresh')).status).to.equal(200);
      expect((await client.post('/refresh-user-token')).status).to.equal(200);
      const me = await client.get('/me');
      expect(me.status).to.equal(200);
      expect(me.body.client).to.include({ email: address, first_name: 'Bob', last_name: 'Smith' });
      expect((await client.post('/logout')).status).to.equal(204);
      expect((await client.get('/me')).status).to.equal(401);
      expect((await client.get('/refresh-user-token')).status).to.equal(401);
    });

    it('GET /refresh-user-token is a state-changing route for the cross-site guard too', async () => {
      const client = browser();
      const address = email();
      await client.post('/register', { password: PASSWORD, email: address });
      await client.post('/login', { password: PASSWORD, email: address });
      const before = client.cookie('token');
      const response = await client.get('/refresh-user-token', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
      expect(response.status).to.equal(403);
      expect(response.body).to.include({ reason: 'CROSS_SITE_REQUEST' });
      expect(client.cookie('token')).to.equal(before);
    });

    it('POST /register-service {email, name, groups} and POST /suspend {id}, as an admin', async () => {
      const admin = browser();
      expect((await admin.post('/login', ADMIN)).status).to.equal(200);
      const service = await admin.post('/register-service', { email: email(), name: 'Billing', groups: ['billing'] });
      expect(service.status).to.equal(201);
      expect(await server.store.client(service.body.client.id)).to.deep.include({ name: 'Billing', groups: ['service', 'billing'] });

      const user = browser();
      const address = email();
      const registered = await user.post('/register', { password: PASSWORD, email: address });
      const suspended = await admin.post('/suspend', { id: registered.body.client.id });
      expect(suspended.status).to.equal(200);
      expect(await server.store.client(registered.body.client.id)).to.include({ suspended: true });
      const unknown = await admin.post('/suspend', { id: registered.body.client.id, until: 'tomorrow' });
      expect(unknown.status).to.equal(400);
      expect(unknown.body).to.include({ field: 'until' });
    });

    it('POST /delete deletes the caller, and refuses a body naming someone else', async () => {
      const client = browser();
      const address = email();
      const registered = await client.post('/register', { password: PASSWORD, email: address });
      await client.post('/login', { password: PASSWORD, email: address });
      const other = await client.post('/delete', { id: '0123456789abcdef01234567' });
      expect(other.status).to.equal(400);
      expect(other.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'id' });
      expect(await server.store.client(registered.body.client.id)).to.not.equal(null);
      expect((await client.post('/delete')).status).to.equal(200);
      expect(await server.store.client(registered.body.client.id)).to.equal(null);
    });

    describe('a JSON body without Content-Type', () => {
      const raw = (body: unknown) => Buffer.from(JSON.stringify(body));

      it('is read as JSON, as the original read it', async () => {
        const address = email();
        // A Buffer body: fetch sends no Content-Type, like Go's http.Post with "" or a bare Blob.
        const response = await browser().post('/register', undefined, { rawBody: raw({ email: address, password: PASSWORD, firstName: 'Bob' }) });
        expect(response.status).to.equal(201);
        expect(await server.store.client(response.body.client.id)).to.include({ firstName: 'Bob' });
      });

      it('is still refused cross-site, by the cross-site guard', async () => {
        const address = email();
        const response = await browser().post('/register', undefined, {
          rawBody: raw({ email: address, password: PASSWORD }),
          headers: { Origin: 'https://evil.example' },
        });
        expect(response.status).to.equal(403);
        expect(response.body).to.include({ reason: 'CROSS_SITE_REQUEST' });
        expect(await storedByEmail(address)).to.equal(null);
      });

      it('but text/plain and form bodies stay 415, whatever they hold', async () => {
        for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded']) {
          const address = email();
          const response = await browser().post('/register', undefined, {
            rawBody: raw({ email: address, password: PASSWORD }),
            headers: { 'Content-Type': type },
          });
          expect(response.status, type).to.equal(415);
          expect(response.body).to.include({ reason: 'UNSUPPORTED_MEDIA_TYPE' });
        }
      });
    });
  });
