import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { burst, freshEmail, loginFrom, outcomeOf, PASSWORD, registerUser, sourceIp, WRONG } from '../../support/attacks.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const LOGIN_IP_MAX = 5;
const REGISTER_IP_MAX = 3;
const SERVICE_TOKEN_IP_MAX = 4;
const ADMIN = { email: 'limits-admin@example.com', password: 'an admin password for limits' };

for (const setup of SETUPS)
  describe(`Per-source limits on Login, RegisterUser and IssueServiceToken (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;

    before(async function () {
      server = await startTestServer(
        setupEnv(setup, this, 'source_limits', {
          LOGIN_IP_MAX_FAILURES: String(LOGIN_IP_MAX),
          REGISTER_IP_MAX: String(REGISTER_IP_MAX),
          SERVICE_TOKEN_IP_MAX_FAILURES: String(SERVICE_TOKEN_IP_MAX),
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
        }),
      );
    });
    after(async () => server?.close());

    it(`stops a source spraying one password over many emails after ${LOGIN_IP_MAX} failures, and no other source`, async () => {
      const emails = Array.from({ length: LOGIN_IP_MAX + 3 }, () => freshEmail('sprayed'));
      const spray = await burst(emails.length, (index) => loginFrom(server.api, emails[index]!, WRONG, sourceIp(70)));
      expect(spray.tally).to.deep.equal({ INVALID_CREDENTIALS: LOGIN_IP_MAX, TOO_MANY_ATTEMPTS: 3 });
      const email = freshEmail('bystander');
      await registerUser(server.api, email, sourceIp(71));
      expect((await outcomeOf(loginFrom(server.api, email, PASSWORD, sourceIp(70)))).reason).to.equal('TOO_MANY_ATTEMPTS');
      expect((await loginFrom(server.api, email, PASSWORD, sourceIp(72))).client!.email).to.equal(email);
    });

    it('does not charge a source for its successful logins', async () => {
      const email = freshEmail('regular');
      await registerUser(server.api, email, sourceIp(73));
      for (let i = 0; i < LOGIN_IP_MAX * 2; i++) await loginFrom(server.api, email, PASSWORD, sourceIp(74));
      const wrong = await burst(LOGIN_IP_MAX, () => loginFrom(server.api, freshEmail('other'), WRONG, sourceIp(74)));
      expect(wrong.tally).to.deep.equal({ INVALID_CREDENTIALS: LOGIN_IP_MAX });
    });

    it(`lets a source register ${REGISTER_IP_MAX} clients per window, then answers RESOURCE_EXHAUSTED with retry-after`, async () => {
      const { tally, outcomes } = await burst(REGISTER_IP_MAX + 4, () => registerUser(server.api, freshEmail('signup'), sourceIp(80)));
      expect(tally).to.deep.equal({ OK: REGISTER_IP_MAX, TOO_MANY_ATTEMPTS: 4 });
      const refused = outcomes.find((outcome) => outcome.reason === 'TOO_MANY_ATTEMPTS')!;
      expect(refused.code).to.equal(status.RESOURCE_EXHAUSTED);
      expect(refused.retryAfter).to.be.within(59 * 60, 3600);
      expect(refused.retryDelay, 'google.rpc.RetryInfo in grpc-status-details-bin').to.equal(refused.retryAfter);
      const elsewhere = freshEmail('elsewhere');
      expect((await registerUser(server.api, elsewhere, sourceIp(81))).email).to.equal(elsewhere);
      expect(await server.store.countClients({ email: elsewhere })).to.equal(1);
    });

    it(`refuses a source after ${SERVICE_TOKEN_IP_MAX} wrong service secrets, even the right one, while a right secret costs nothing`, async () => {
      // From its own source: the run's Redis is shared, and other files' wrong passwords from loopback count there.
      const adminToken = (await server.api.login(ADMIN, { clientIp: sourceIp(89) })).accessToken;
      const service = await server.api.registerService({ email: freshEmail('svc'), name: 'billing', groups: [] }, { token: adminToken });
      const clientId = service.client!.id;
      const right = () => server.api.issueServiceToken({ clientId, clientSecret: service.clientSecret }, { clientIp: sourceIp(90) });
      for (let i = 0; i < SERVICE_TOKEN_IP_MAX * 2; i++) expect((await right()).accessToken).to.be.a('string');
      const guesses = await burst(SERVICE_TOKEN_IP_MAX + 2, () =>
        server.api.issueServiceToken({ clientId, clientSecret: 'not the secret' }, { clientIp: sourceIp(90) }),
      );
      expect(guesses.tally).to.deep.equal({ INVALID_CREDENTIALS: SERVICE_TOKEN_IP_MAX, TOO_MANY_ATTEMPTS: 2 });
      expect((await outcomeOf(right())).reason).to.equal('TOO_MANY_ATTEMPTS');
      const fromElsewhere = await server.api.issueServiceToken({ clientId, clientSecret: service.clientSecret }, { clientIp: sourceIp(91) });
      expect(fromElsewhere.accessToken).to.be.a('string');
    });

    it('stops wrong service secrets at the limit while right ones from the same source arrive at the same time', async () => {
      const adminToken = (await server.api.login(ADMIN, { clientIp: sourceIp(92) })).accessToken;
      const service = await server.api.registerService({ email: freshEmail('svc'), name: 'billing', groups: [] }, { token: adminToken });
      const clientId = service.client!.id;
      // Right and wrong secrets interleaved, all in flight at once: a right one's refund must not let a wrong one more through.
      const mixed = await burst(SERVICE_TOKEN_IP_MAX * 6, (index) =>
        server.api.issueServiceToken({ clientId, clientSecret: index % 2 === 0 ? service.clientSecret : 'not the secret' }, { clientIp: sourceIp(93) }),
      );
      const wrongOutcomes = mixed.outcomes.filter((_, index) => index % 2 === 1);
      expect(wrongOutcomes.filter((outcome) => outcome.reason === 'INVALID_CREDENTIALS')).to.have.length.at.most(SERVICE_TOKEN_IP_MAX);
      expect(mixed.outcomes.filter((outcome) => outcome.reason === 'OK').length).to.be.above(0);
      // Every wrong secret was counted, whatever the right ones gave back meanwhile: the source stays refused.
      const guesses = await burst(3, () => server.api.issueServiceToken({ clientId, clientSecret: 'not the secret' }, { clientIp: sourceIp(93) }));
      expect(guesses.tally).to.deep.equal({ TOO_MANY_ATTEMPTS: 3 });
    });
  });
