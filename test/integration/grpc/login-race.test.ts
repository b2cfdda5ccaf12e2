import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { burst, freshEmail, loginFrom, PASSWORD, registerUser, sourceIp, WRONG } from '../../support/attacks.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const MAX = 3;
const EMAIL_MAX = 6;
const GUESSES = 40;

for (const setup of SETUPS)
  describe(`Concurrent password guesses meet the limit before bcrypt (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'login_race', { LOGIN_MAX_FAILURES: String(MAX), LOGIN_EMAIL_MAX_FAILURES: String(EMAIL_MAX) }));
    });
    after(async () => server?.close());

    it(`checks only ${MAX} of ${GUESSES} concurrent wrong guesses from one source; the rest are refused with retry-after`, async () => {
      const email = freshEmail('race');
      await registerUser(server.api, email);
      const { tally, outcomes } = await burst(GUESSES, () => loginFrom(server.api, email, WRONG, sourceIp(1)));
      expect(tally).to.deep.equal({ INVALID_CREDENTIALS: MAX, TOO_MANY_ATTEMPTS: GUESSES - MAX });
      for (const refused of outcomes.filter((outcome) => outcome.reason === 'TOO_MANY_ATTEMPTS')) {
        expect(refused.code).to.equal(status.RESOURCE_EXHAUSTED);
        expect(refused.retryAfter).to.be.within(1, 15 * 60);
      }
      const right = await burst(1, () => loginFrom(server.api, email, PASSWORD, sourceIp(1)));
      expect(right.tally).to.deep.equal({ TOO_MANY_ATTEMPTS: 1 });
    });

    it(`checks only ${EMAIL_MAX} of ${GUESSES} concurrent wrong guesses spread over as many sources`, async () => {
      const email = freshEmail('spread');
      await registerUser(server.api, email);
      const { tally } = await burst(GUESSES, (index) => loginFrom(server.api, email, WRONG, sourceIp(100 + index)));
      expect(tally).to.deep.equal({ INVALID_CREDENTIALS: EMAIL_MAX, TOO_MANY_ATTEMPTS: GUESSES - EMAIL_MAX });
    });

    it('counts an unknown email the same way, so the refusal tells nothing of the account', async () => {
      const unknown = freshEmail('unknown');
      const forUnknown = await burst(MAX + 1, () => loginFrom(server.api, unknown, WRONG, sourceIp(3)));
      expect(forUnknown.tally).to.deep.equal({ INVALID_CREDENTIALS: MAX, TOO_MANY_ATTEMPTS: 1 });
    });

    it('clears the count on a success, so the owner gets the full allowance again', async () => {
      const email = freshEmail('clears');
      await registerUser(server.api, email);
      for (let round = 0; round < 3; round++) {
        const wrong = await burst(MAX - 1, () => loginFrom(server.api, email, WRONG, sourceIp(4)));
        expect(wrong.tally).to.deep.equal({ INVALID_CREDENTIALS: MAX - 1 });
        expect((await loginFrom(server.api, email, PASSWORD, sourceIp(4))).client!.email).to.equal(email);
      }
    });
  });
