import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { startRedis, stopRedis } from '../../support/redis-process.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { requireRedisControl } from '../../support/services.js';
import { CookieClient, startBridgeFor, type TestBridge } from '../bridge/bridge-fixture.js';

const PASSWORD = 'correct horse battery';
const WRONG = 'wrong password';
const MAX_FAILURES = 3;

for (const setup of SETUPS)
  describe(`Login's limit on failed logins per email (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let bridge: TestBridge;
    let counter = 0;
    const email = () => `throttled${++counter}.${Date.now()}@example.com`;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'login_throttle', { LOGIN_MAX_FAILURES: String(MAX_FAILURES) }));
      // The wiring of the default `all` role; the bridge suites cover the network one too.
      bridge = await startBridgeFor(server, 'in-process');
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    const register = async (address = email()) => {
      await server.api.registerUser({ email: address, password: PASSWORD, firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '', attributes: {} });
      return address;
    };
    const login = (address: string, password = PASSWORD) => server.api.login({ email: address, password });
    /** Fails `times` logins of `address` with a wrong password, checking each is an ordinary INVALID_CREDENTIALS. */
    const failLogins = async (address: string, times: number) => {
      for (let i = 0; i < times; i++) {
        expect(await failure(login(address, WRONG))).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
      }
    };

    it(`refuses even the right password with RESOURCE_EXHAUSTED / TOO_MANY_ATTEMPTS after ${MAX_FAILURES} wrong ones, saying to wait`, async () => {
      const address = await register();
      await failLogins(address, MAX_FAILURES);
      const refused = await failure(login(address));
      expect(refused).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });
      expect(refused.message).to.match(/try again in 1[45] minutes/);
      expect(refused.message).not.to.contain(address);
      expect(await failure(login(address, WRONG))).to.deep.equal(refused);
    });

    it(`gives an unknown email the same code, reason and message after ${MAX_FAILURES} attempts as a registered one`, async () => {
      const registered = await register();
      const unknown = email();
      await failLogins(registered, MAX_FAILURES);
      await failLogins(unknown, MAX_FAILURES);
      const forRegistered = await failure(login(registered));
      const forUnknown = await failure(login(unknown));
      expect(forUnknown).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });
      expect(forUnknown).to.deep.equal(forRegistered);
    });

    it('counts the email after trimming and lower-casing, as login matches it', async () => {
      const address = await register();
      await failLogins(`  ${address.toUpperCase()} `, MAX_FAILURES);
      expect(await failure(login(address))).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });
    });

    it('leaves another email unaffected while one is refused', async () => {
      const refused = await register();
      const other = await register();
      await failLogins(refused, MAX_FAILURES);
      expect(await failure(login(refused))).to.include({ reason: 'TOO_MANY_ATTEMPTS' });
      expect((await login(other)).accessToken).to.be.a('string').that.is.not.empty;
      expect(await failure(login(other, WRONG))).to.include({ reason: 'INVALID_CREDENTIALS' });
    });

    it('starts the count over after a successful login before the limit', async () => {
      const address = await register();
      await failLogins(address, MAX_FAILURES - 1);
      await login(address);
      await failLogins(address, MAX_FAILURES - 1);
      expect((await login(address)).client!.email).to.equal(address);
    });

    it("counts a suspended user's right password as a success, and still answers CLIENT_SUSPENDED", async () => {
      const address = await register();
      const { client } = await login(address);
      await server.store.updateClient(client!.id, { suspended: true });
      await failLogins(address, MAX_FAILURES - 1);
      expect(await failure(login(address))).to.include({ code: status.UNAUTHENTICATED, reason: 'CLIENT_SUSPENDED' });
      await failLogins(address, MAX_FAILURES - 1);
      expect(await failure(login(address))).to.include({ code: status.UNAUTHENTICATED, reason: 'CLIENT_SUSPENDED' });
    });

    it('answers a refused browser login through the bridge with 429, reason TOO_MANY_ATTEMPTS and no cookies', async () => {
      const address = await register();
      const browser = new CookieClient(bridge.url);
      for (let i = 0; i < MAX_FAILURES; i++) {
        const wrong = await browser.post('/login', { email: address, password: WRONG });
        expect(wrong.status).to.equal(401);
        expect(wrong.body.reason).to.equal('INVALID_CREDENTIALS');
      }
      const refused = await browser.post('/login', { email: address, password: PASSWORD });
      expect(refused.status).to.equal(429);
      expect(refused.body).to.deep.equal({ reason: 'TOO_MANY_ATTEMPTS', message: (await failure(login(address))).message });
      expect(refused.cookies).to.deep.equal([]);
    });

    if (setup === 'shared') {
      it("goes on limiting in this instance's memory while Redis is down, and logs the outage once", async function () {
        requireRedisControl(this);
        const address = await register();
        const warningsBefore = server.logs.filter((line) => line.includes('attempt limiter store (Redis) unavailable')).length;
        await stopRedis();
        try {
          await failLogins(address, MAX_FAILURES);
          expect(await failure(login(address))).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });
        } finally {
          await startRedis();
        }
        const warnings = server.logs.filter((line) => line.includes('attempt limiter store (Redis) unavailable'));
        expect(warnings).to.have.length(warningsBefore + 1);
        expect(JSON.parse(warnings.at(-1)!)).to.include({ level: 'warn' });
        expect(warnings.at(-1)).not.to.contain(address);
      });
    }
  });
