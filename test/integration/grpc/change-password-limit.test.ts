import { expect } from 'chai';
import { burst, freshEmail, outcomeOf, PASSWORD, registerUser, sourceIp, WRONG } from '../../support/attacks.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const MAX = 3;
const NEW_PASSWORD = 'a brand new passphrase';

for (const setup of SETUPS)
  describe(`ChangePassword's guesses of the current password are limited like logins (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'change_password_limit', { LOGIN_MAX_FAILURES: String(MAX) }));
    });
    after(async () => server?.close());

    const signIn = async () => {
      const email = freshEmail('changer');
      await registerUser(server.api, email);
      return (await server.api.login({ email, password: PASSWORD })).accessToken;
    };
    const change = (token: string, currentPassword: string, source = sourceIp(120)) =>
      server.api.changePassword({ currentPassword, newPassword: NEW_PASSWORD }, { token, clientIp: source });

    it(`checks ${MAX} of 15 concurrent wrong current passwords, then refuses even the right one, from any source`, async () => {
      const token = await signIn();
      const { tally } = await burst(15, () => change(token, WRONG));
      expect(tally).to.deep.equal({ INVALID_CREDENTIALS: MAX, TOO_MANY_ATTEMPTS: 15 - MAX });
      expect((await outcomeOf(change(token, PASSWORD))).reason).to.equal('TOO_MANY_ATTEMPTS');
      expect((await outcomeOf(change(token, PASSWORD, sourceIp(121)))).reason).to.equal('TOO_MANY_ATTEMPTS');
    });

    it('leaves another user unaffected, and clears the count when the right password comes before the limit', async () => {
      const guessed = await signIn();
      await burst(MAX + 1, () => change(guessed, WRONG));
      const other = await signIn();
      const wrong = await burst(MAX - 1, () => change(other, WRONG, sourceIp(122)));
      expect(wrong.tally).to.deep.equal({ INVALID_CREDENTIALS: MAX - 1 });
      await change(other, PASSWORD, sourceIp(122));
      const again = await burst(MAX - 1, () =>
        server.api.changePassword({ currentPassword: WRONG, newPassword: PASSWORD }, { token: other, clientIp: sourceIp(122) }),
      );
      expect(again.tally).to.deep.equal({ INVALID_CREDENTIALS: MAX - 1 });
    });
  });
