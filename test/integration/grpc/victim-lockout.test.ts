import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { burst, freshEmail, loginFrom, outcomeOf, PASSWORD, registerUser, sourceIp, WRONG } from '../../support/attacks.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startTestBridge, type TestBridge } from '../bridge/bridge-fixture.js';

const MAX = 3;
const EMAIL_MAX = 4;

for (const setup of SETUPS)
  describe(`Guessing an account does not lock its owner out (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;

    before(async function () {
      server = await startTestServer(
        setupEnv(setup, this, 'victim', { LOGIN_MAX_FAILURES: String(MAX), LOGIN_EMAIL_MAX_FAILURES: String(EMAIL_MAX), LOGIN_EMAIL_DELAY_SEC: '1' }),
      );
    });
    after(async () => server?.close());

    it('refuses the guessing source while the owner logs in from another', async () => {
      const email = freshEmail('victim');
      await registerUser(server.api, email);
      const attack = await burst(MAX + 5, () => loginFrom(server.api, email, WRONG, sourceIp(10)));
      expect(attack.tally).to.deep.equal({ INVALID_CREDENTIALS: MAX, TOO_MANY_ATTEMPTS: 5 });
      expect((await loginFrom(server.api, email, PASSWORD, sourceIp(11))).client!.email).to.equal(email);
      expect((await outcomeOf(loginFrom(server.api, email, PASSWORD, sourceIp(10)))).reason).to.equal('TOO_MANY_ATTEMPTS');
    });

    it('slows guesses from many sources with delays that grow, and lets the owner in once a delay has passed', async () => {
      const email = freshEmail('spread');
      await registerUser(server.api, email);
      const first = await burst(EMAIL_MAX + 1, (index) => loginFrom(server.api, email, WRONG, sourceIp(20 + index)));
      expect(first.tally).to.deep.equal({ INVALID_CREDENTIALS: EMAIL_MAX, TOO_MANY_ATTEMPTS: 1 });
      const firstDelay = first.outcomes.find((outcome) => outcome.reason === 'TOO_MANY_ATTEMPTS')!;
      expect(firstDelay).to.include({ code: status.RESOURCE_EXHAUSTED, retryAfter: 1 });

      await new Promise((resolve) => setTimeout(resolve, 1100));
      const second = await burst(EMAIL_MAX + 1, (index) => loginFrom(server.api, email, WRONG, sourceIp(40 + index)));
      expect(second.tally).to.deep.equal({ INVALID_CREDENTIALS: EMAIL_MAX, TOO_MANY_ATTEMPTS: 1 });
      expect(second.outcomes.find((outcome) => outcome.reason === 'TOO_MANY_ATTEMPTS')!.retryAfter).to.equal(2);

      expect((await outcomeOf(loginFrom(server.api, email, PASSWORD, sourceIp(60)))).reason).to.equal('TOO_MANY_ATTEMPTS');
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await loginFrom(server.api, email, PASSWORD, sourceIp(60))).client!.email).to.equal(email);
    });

    describe('through the bridge', () => {
      let bridge: TestBridge;
      before(async () => {
        bridge = await startTestBridge(server.address);
      });
      after(async () => bridge?.close());

      it('answers a refused login with 429, reason TOO_MANY_ATTEMPTS and a Retry-After header in seconds', async () => {
        const email = freshEmail('bridge');
        await registerUser(server.api, email);
        const browser = new CookieClient(bridge.url);
        for (let i = 0; i < MAX; i++) expect((await browser.post('/login', { email, password: WRONG })).status).to.equal(401);
        const refused = await browser.post('/login', { email, password: PASSWORD });
        expect(refused.status).to.equal(429);
        expect(refused.body.reason).to.equal('TOO_MANY_ATTEMPTS');
        expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 15 * 60);
        expect(refused.cookies).to.deep.equal([]);
      });
    });
  });
