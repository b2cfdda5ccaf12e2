/**
 * The answers a client of the original service (a-shine/client-auth at 2841fde) reads, to
 * its own requests replayed as its clients send them: the fields it read are there, in its
 * shape, beside today's answers, which stay as they were.
 */
import { expect } from 'chai';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startTestBridge, type TestBridge } from './bridge-fixture.js';

const PASSWORD = 'a password of the original';
const ADMIN = { email: 'admin@example.org', password: 'the admin password' };

for (const setup of SETUPS)
  describe(`Answers a client of the original service reads (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let bridge: TestBridge;
    let counter = 0;
    const email = () => `answers${++counter}.${Date.now()}@example.org`;
    const browser = () => new CookieClient(bridge.url);
    /**
     * The original's registration form, as its own tests sent it, with groups as every user
     * gets and a password this service's strength check takes (its "somePassword" is refused).
     */
    const originalForm = (address: string) => ({ email: address, password: PASSWORD, firstName: 'John', lastName: 'Smith', groups: ['user'] });

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'original_answers', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
      bridge = await startTestBridge(server.address);
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    for (const path of ['/register-user', '/register'])
      it(`POST ${path} answers the original's message beside the client`, async () => {
        const address = email();
        const response = await browser().post(path, originalForm(address));
        expect(response.status, JSON.stringify(response.body)).to.equal(201);
        expect(response.body.message).to.equal('User registered successfully');
        expect(response.body.client).to.include({ email: address, first_name: 'John', last_name: 'Smith' });
        expect(response.body.client.id).to.be.a('string').and.not.equal('');
      });

    it("POST /login answers the original's message beside the client and the expiry times", async () => {
      const address = email();
      const client = browser();
      await client.post('/register-user', originalForm(address));
      const login = await client.post('/login', { email: address, password: PASSWORD });
      expect(login.status).to.equal(200);
      expect(login.body.message).to.equal('Successfully logged in');
      expect(login.body.client).to.include({ email: address, kind: 'user' });
      expect(Date.parse(login.body.access_token_expire_time)).to.be.greaterThan(Date.now());
      expect(Date.parse(login.body.refresh_token_expire_time)).to.be.greaterThan(Date.now());
      expect(login.body).to.not.have.any.keys('token', 'access_token', 'refresh_token');
      expect(client.cookie('token')).to.be.a('string');
    });

    it("GET /me answers the original's user {email, groups, firstName, lastName, name} beside the client", async () => {
      const address = email();
      const client = browser();
      await client.post('/register-user', originalForm(address));
      await client.post('/login', { email: address, password: PASSWORD });
      const me = await client.get('/me');
      expect(me.status).to.equal(200);
      expect(me.body.user).to.deep.equal({ email: address, groups: ['user'], firstName: 'John', lastName: 'Smith', name: '' });
      expect(me.body.client).to.include({ email: address, first_name: 'John', last_name: 'Smith', kind: 'user' });
      expect(me.body.client.groups).to.deep.equal(['user']);
    });

    it("GET /me of a service answers its name and groups in the original's user", async () => {
      const admin = browser();
      await admin.post('/login', ADMIN);
      const address = email();
      const registered = await admin.post('/register-service', { email: address, name: 'Service A', groups: ['probes'] });
      expect(registered.status).to.equal(201);
      const token = (await server.api.issueServiceToken({ clientId: registered.body.client.id, clientSecret: registered.body.client_secret })).accessToken;
      const me = await browser().get('/me', { headers: { Authorization: `Bearer ${token}` } });
      expect(me.status).to.equal(200);
      expect(me.body.user).to.deep.equal({ email: address, groups: ['service', 'probes'], firstName: '', lastName: '', name: 'Service A' });
      expect(me.body.client).to.include({ kind: 'service', name: 'Service A' });
    });

    it("POST /register-service answers the original's message beside the client and its secret, and no apiToken", async () => {
      const admin = browser();
      await admin.post('/login', ADMIN);
      const address = email();
      const response = await admin.post('/register-service', { email: address, name: 'Service A', groups: ['probes'] });
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      expect(response.body.message).to.equal('Service registered successfully');
      expect(response.body.client).to.include({ email: address, kind: 'service', name: 'Service A' });
      expect(response.body.client_secret).to.be.a('string').and.not.equal('');
      // The original's apiToken was a JWT that never expired; this service issues none here
      // (the secret is exchanged with IssueServiceToken), so a field by that name would lie.
      expect(response.body).to.not.have.property('apiToken');
    });

    it('failures keep their {message, reason} answer, with no success message', async () => {
      const address = email();
      await browser().post('/register-user', originalForm(address));
      const taken = await browser().post('/register-user', originalForm(address));
      expect(taken.status).to.equal(409);
      expect(taken.body.reason).to.equal('EMAIL_TAKEN');
      expect(taken.body.message).to.not.equal('User registered successfully');
      // The original answered 404 "User not found" here; one answer for both hides who has an account.
      const unknown = await browser().post('/login', { email: `nobody.${address}`, password: PASSWORD });
      const wrong = await browser().post('/login', { email: address, password: 'another password entirely' });
      for (const failed of [unknown, wrong]) {
        expect(failed.status).to.equal(401);
        expect(failed.body.reason).to.equal('INVALID_CREDENTIALS');
      }
      expect(unknown.body).to.deep.equal(wrong.body);
    });
  });
