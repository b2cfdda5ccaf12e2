/**
 * EstimatePasswordStrength over gRPC with the real estimator: the verdict RegisterUser then
 * gives, its bounds, its per-source limit, and logs that never hold the password.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { burst, freshEmail, outcomeOf, sourceIp } from '../../support/attacks.js';
import { STRONG_PASSPHRASE } from '../../support/passwords.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const ESTIMATE_IP_MAX = 4;
const WEAK = 'Password123!';

for (const setup of SETUPS)
  describe(`EstimatePasswordStrength (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;
    // Sources of their own per set-up: the shared set-up's Redis outlives one suite.
    const source = (index: number) => ({ clientIp: sourceIp((setup === 'shared' ? 150 : 170) + index) });

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'strength_estimate', { PASSWORD_ESTIMATE_IP_MAX: String(ESTIMATE_IP_MAX) }));
    });
    after(async () => server?.close());

    const register = (email: string, password: string) =>
      server.api.registerUser({ email, password, firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '', attributes: {} });

    it('calls a patterned password weak with the advice RegisterUser then refuses it with', async () => {
      const email = freshEmail('weak');
      const verdict = await server.api.estimatePasswordStrength({ password: WEAK, email, firstName: 'Ada', lastName: 'Lovelace' }, source(0));
      expect(verdict).to.include({ acceptable: false, reason: 'PASSWORD_TOO_WEAK' });
      expect(verdict.score).to.be.below(server.config.passwordMinScore);
      expect(verdict.warning).to.not.equal('');
      expect(verdict.suggestions).to.not.be.empty;
      const refused = await failure(register(email, WEAK));
      expect(refused).to.include({ code: status.INVALID_ARGUMENT, reason: 'PASSWORD_TOO_WEAK' });
      expect(refused.message).to.equal(['password is too easy to guess.', verdict.warning, ...verdict.suggestions].join(' '));
      expect(await server.store.countClients({ email })).to.equal(0);
    });

    it('calls a passphrase acceptable, and RegisterUser takes it', async () => {
      const email = freshEmail('strong');
      const verdict = await server.api.estimatePasswordStrength({ password: STRONG_PASSPHRASE, email }, source(1));
      expect(verdict).to.include({ acceptable: true, reason: '' });
      expect(verdict.score).to.be.at.least(server.config.passwordMinScore);
      expect((await register(email, STRONG_PASSPHRASE)).client!.email).to.equal(email);
    });

    it('names the rule a short or common password breaks, as RegisterUser does', async () => {
      expect(await server.api.estimatePasswordStrength({ password: 'tiny' }, source(2))).to.include({ acceptable: false, reason: 'INVALID_ARGUMENT' });
      expect(await server.api.estimatePasswordStrength({ password: 'iloveyou' }, source(2))).to.include({ acceptable: false, reason: 'PASSWORD_TOO_COMMON' });
    });

    it('answers INVALID_ARGUMENT naming password for one over 72 bytes, and the email over 254 characters', async () => {
      const oversized = await failure(server.api.estimatePasswordStrength({ password: `${STRONG_PASSPHRASE} `.repeat(3) }, source(3)));
      expect(oversized).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', field: 'password' });
      const longEmail = await failure(server.api.estimatePasswordStrength({ password: STRONG_PASSPHRASE, email: `${'a'.repeat(250)}@x.example` }, source(3)));
      expect(longEmail).to.include({ code: status.INVALID_ARGUMENT, field: 'email' });
    });

    it(`answers RESOURCE_EXHAUSTED / TOO_MANY_ATTEMPTS with retry-after past ${ESTIMATE_IP_MAX} estimates from one client IP; another IP goes on`, async () => {
      const { tally, outcomes } = await burst(ESTIMATE_IP_MAX + 2, () => server.api.estimatePasswordStrength({ password: STRONG_PASSPHRASE }, source(4)));
      expect(tally).to.deep.equal({ OK: ESTIMATE_IP_MAX, TOO_MANY_ATTEMPTS: 2 });
      const refused = outcomes.find((outcome) => outcome.reason === 'TOO_MANY_ATTEMPTS')!;
      expect(refused.code).to.equal(status.RESOURCE_EXHAUSTED);
      expect(refused.retryAfter).to.be.within(59 * 60, 3600);
      expect((await outcomeOf(server.api.estimatePasswordStrength({ password: STRONG_PASSPHRASE }, source(5)))).reason).to.equal('OK');
    });

    it('never writes the password into the logs, whatever the answer', async () => {
      const secret = 'Zebra-Lantern-Quill-7781';
      await server.api.estimatePasswordStrength({ password: secret }, source(6));
      await failure(server.api.estimatePasswordStrength({ password: secret.repeat(4) }, source(6)));
      await burst(ESTIMATE_IP_MAX, () => server.api.estimatePasswordStrength({ password: secret }, source(6)));
      expect(
        server.logs.some((line) => line.includes('EstimatePasswordStrength')),
        'the calls are logged',
      ).to.equal(true);
      expect(server.logs.join('\n')).to.not.include(secret);
    });
  });
