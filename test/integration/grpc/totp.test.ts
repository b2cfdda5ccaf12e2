import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { SecondFactorKind } from '../../../gen/clientauth/v1/second_factor.js';
import { ADMIN, enrolTotp, PASSWORD, registerUser, storedFactors, totpCode } from '../../support/factor-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const MAX_FAILURES = 4;

for (const setup of SETUPS) {
  describe(`TOTP as a second factor, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let adminToken: string;

    before(async function () {
      server = await startTestServer(
        setupEnv(setup, this, 'totp', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOGIN_MAX_FAILURES: String(MAX_FAILURES) }),
      );
      adminToken = (await server.api.login(ADMIN)).accessToken;
    });
    after(async () => server?.close());

    const passwordLogin = (email: string) => server.api.login({ email, password: PASSWORD });
    const challengeFor = async (email: string) => {
      const answer = await passwordLogin(email);
      expect(answer.accessToken).to.equal('');
      expect(answer.refreshToken).to.equal('');
      return answer.secondFactorChallenge!;
    };
    const userWithTotp = async () => {
      const user = await registerUser(server);
      const { accessToken } = await passwordLogin(user.email);
      return { ...user, token: accessToken, ...(await enrolTotp(server, accessToken)) };
    };

    it('enrols only after one correct code, returns ten recovery codes, and stores the secret sealed', async () => {
      const user = await registerUser(server);
      const { accessToken: token } = await passwordLogin(user.email);
      const begun = await server.api.beginTotpEnrollment({}, { token });
      expect(begun.secret).to.match(/^[A-Z2-7]{32}$/);
      expect(begun.otpauthUri)
        .to.match(/^otpauth:\/\/totp\/client-auth:/)
        .and.contain(`secret=${begun.secret}`)
        .and.contain('issuer=client-auth');
      expect(begun.otpauthUri).to.contain(encodeURIComponent(user.email));

      // Pending: the password alone still logs in.
      expect((await passwordLogin(user.email)).accessToken).to.not.equal('');
      const wrong = await failure(server.api.confirmTotpEnrollment({ code: '000000' === totpCode(begun.secret) ? '111111' : '000000' }, { token }));
      expect(wrong).to.include({ code: status.INVALID_ARGUMENT, reason: 'CODE_INVALID', field: 'code' });

      const { recoveryCodes } = await server.api.confirmTotpEnrollment({ code: totpCode(begun.secret) }, { token });
      expect(recoveryCodes).to.have.length(10);
      expect(new Set(recoveryCodes).size).to.equal(10);
      for (const code of recoveryCodes) expect(code).to.match(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);

      const again = await failure(server.api.beginTotpEnrollment({}, { token }));
      expect(again).to.include({ code: status.ALREADY_EXISTS, reason: 'TOTP_ALREADY_ENABLED' });

      const logged = server.logs.join('\n');
      for (const secret of [begun.secret, ...recoveryCodes]) expect(logged).to.not.contain(secret);
      const stored = storedFactors(server);
      try {
        const factor = (await stored.store.findTotp(user.id))!;
        expect(factor.confirmedAt).to.be.instanceOf(Date);
        expect(factor.sealedSecret).to.not.contain(begun.secret);
        expect(JSON.stringify(factor)).to.not.contain(recoveryCodes[0]!);
      } finally {
        stored.close();
      }
    });

    it('answers a correct password with a challenge, and CompleteLogin with a code gives tokens whose amr is pwd and otp', async () => {
      const user = await userWithTotp();
      const challenge = await challengeFor(user.email);
      expect(challenge.factors).to.deep.equal([SecondFactorKind.SECOND_FACTOR_KIND_TOTP, SecondFactorKind.SECOND_FACTOR_KIND_RECOVERY_CODE]);
      const lifetime = challenge.expireTime!.getTime() - Date.now();
      expect(lifetime).to.be.within(4 * 60_000, 5 * 60_000 + 1000);

      const wrongCode = totpCode(user.secret, 1) === '123456' ? '654321' : '123456';
      const wrong = await failure(
        server.api.completeLogin({ challengeToken: challenge.challengeToken, totpCode: wrongCode, recoveryCode: '', passkey: undefined }),
      );
      expect(wrong).to.include({ code: status.UNAUTHENTICATED, reason: 'SECOND_FACTOR_INVALID' });
      // One attempt uses the challenge up: the right code comes too late for it.
      const code = totpCode(user.secret, 1);
      const spent = await failure(server.api.completeLogin({ challengeToken: challenge.challengeToken, totpCode: code, recoveryCode: '', passkey: undefined }));
      expect(spent).to.include({ code: status.UNAUTHENTICATED, reason: 'CHALLENGE_INVALID' });

      // One step ahead: the clock drift allowed, and a step the enrolment did not use.
      const second = await challengeFor(user.email);
      const pair = await server.api.completeLogin({ challengeToken: second.challengeToken, totpCode: code, recoveryCode: '', passkey: undefined });
      expect(pair.client!.id).to.equal(user.id);
      const who = await server.api.validateToken({ token: pair.accessToken });
      expect(who.amr).to.deep.equal(['pwd', 'otp']);
      const refreshed = await server.api.refreshToken({ refreshToken: pair.refreshToken });
      expect((await server.api.validateToken({ token: refreshed.accessToken })).amr).to.deep.equal(['pwd', 'otp']);

      const reused = await failure(server.api.completeLogin({ challengeToken: second.challengeToken, totpCode: code, recoveryCode: '', passkey: undefined }));
      expect(reused).to.include({ code: status.UNAUTHENTICATED, reason: 'CHALLENGE_INVALID' });
      const replay = await failure(
        server.api.completeLogin({ challengeToken: (await challengeFor(user.email)).challengeToken, totpCode: code, recoveryCode: '', passkey: undefined }),
      );
      expect(replay).to.include({ code: status.UNAUTHENTICATED, reason: 'SECOND_FACTOR_INVALID' });
    });

    it('accepts each recovery code once', async () => {
      const user = await userWithTotp();
      const recoveryCode = user.recoveryCodes[3]!.toUpperCase();
      const pair = await server.api.completeLogin({
        challengeToken: (await challengeFor(user.email)).challengeToken,
        totpCode: '',
        recoveryCode,
        passkey: undefined,
      });
      expect((await server.api.validateToken({ token: pair.accessToken })).amr).to.deep.equal(['pwd', 'otp']);
      const again = await failure(
        server.api.completeLogin({ challengeToken: (await challengeFor(user.email)).challengeToken, totpCode: '', recoveryCode, passkey: undefined }),
      );
      expect(again.reason).to.equal('SECOND_FACTOR_INVALID');
    });

    it('counts wrong codes as failed logins, so guessing the code stops at the login limit', async () => {
      const user = await userWithTotp();
      const wrongCode = (n: number) => String((Number(totpCode(user.secret)) + 500_000 + n) % 1_000_000).padStart(6, '0');
      // The correct password each time does not start the count over: the login is not complete.
      const challenges = [];
      for (let attempt = 0; attempt < MAX_FAILURES; attempt++) {
        const challenge = await challengeFor(user.email);
        challenges.push(challenge);
        const wrong = await failure(
          server.api.completeLogin({ challengeToken: challenge.challengeToken, totpCode: wrongCode(attempt), recoveryCode: '', passkey: undefined }),
        );
        expect(wrong.reason).to.equal('SECOND_FACTOR_INVALID');
      }
      expect((await failure(passwordLogin(user.email))).reason).to.equal('TOO_MANY_ATTEMPTS');
      expect(challenges).to.have.length(MAX_FAILURES);
    });

    it('refuses a challenge that was tampered with, and a request with no factor or two', async () => {
      const user = await userWithTotp();
      const { challengeToken } = await challengeFor(user.email);
      const tampered = challengeToken.slice(0, -3) + (challengeToken.endsWith('AAA') ? 'BBB' : 'AAA');
      expect(
        (await failure(server.api.completeLogin({ challengeToken: tampered, totpCode: totpCode(user.secret, 1), recoveryCode: '', passkey: undefined })))
          .reason,
      ).to.equal('CHALLENGE_INVALID');
      const none = await failure(server.api.completeLogin({ challengeToken, totpCode: '', recoveryCode: '', passkey: undefined }));
      expect(none).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT' });
      const both = await failure(server.api.completeLogin({ challengeToken, totpCode: '123456', recoveryCode: user.recoveryCodes[0]!, passkey: undefined }));
      expect(both.code).to.equal(status.INVALID_ARGUMENT);
    });

    it('says TOTP is off before and during an enrolment, on once confirmed, and off again once disabled (GetMySecondFactors)', async () => {
      const user = await registerUser(server);
      const { accessToken: token } = await passwordLogin(user.email);
      expect(await server.api.getMySecondFactors({}, { token })).to.deep.equal({ totpEnabled: false });
      const { secret } = await server.api.beginTotpEnrollment({}, { token });
      expect(await server.api.getMySecondFactors({}, { token })).to.deep.equal({ totpEnabled: false });
      const { recoveryCodes } = await server.api.confirmTotpEnrollment({ code: totpCode(secret) }, { token });
      expect(await server.api.getMySecondFactors({}, { token })).to.deep.equal({ totpEnabled: true });
      await server.api.disableTotp({ code: '', recoveryCode: recoveryCodes[0]! }, { token });
      expect(await server.api.getMySecondFactors({}, { token })).to.deep.equal({ totpEnabled: false });
      expect(await failure(server.api.getMySecondFactors({}, {}))).to.include({ code: status.UNAUTHENTICATED });
    });

    it('turns TOTP off with a recovery code, after which the password alone logs in', async () => {
      const user = await userWithTotp();
      const wrong = await failure(server.api.disableTotp({ code: '', recoveryCode: 'aaaa-bbbb-cccc-dddd' }, { token: user.token }));
      expect(wrong).to.include({ code: status.INVALID_ARGUMENT, reason: 'CODE_INVALID', field: 'recovery_code' });
      await server.api.disableTotp({ code: '', recoveryCode: user.recoveryCodes[0]! }, { token: user.token });
      const pair = await passwordLogin(user.email);
      expect(pair.secondFactorChallenge).to.equal(undefined);
      expect((await server.api.validateToken({ token: pair.accessToken })).amr).to.deep.equal(['pwd']);
    });

    it('stops a guesser of DisableTotp at the login limit: an access token alone cannot try codes until TOTP is off', async () => {
      const user = await userWithTotp();
      const wrongCode = (n: number) => String((Number(totpCode(user.secret)) + 500_000 + n) % 1_000_000).padStart(6, '0');
      for (let attempt = 0; attempt < MAX_FAILURES; attempt++) {
        expect((await failure(server.api.disableTotp({ code: wrongCode(attempt), recoveryCode: '' }, { token: user.token }))).reason).to.equal('CODE_INVALID');
      }
      const throttled = await failure(server.api.disableTotp({ code: totpCode(user.secret, 1), recoveryCode: '' }, { token: user.token }));
      expect(throttled).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });
      expect(await server.api.getMySecondFactors({}, { token: user.token })).to.deep.equal({ totpEnabled: true });
    });

    it('regenerates the recovery codes for a current code: the new ones complete a login, the old ones no longer do', async () => {
      const user = await userWithTotp();
      const completeWith = (challengeToken: string, recoveryCode: string) =>
        server.api.completeLogin({ challengeToken, totpCode: '', recoveryCode, passkey: undefined });
      await completeWith((await challengeFor(user.email)).challengeToken, user.recoveryCodes[0]!);

      const { recoveryCodes } = await server.api.regenerateRecoveryCodes({ code: totpCode(user.secret, 1) }, { token: user.token });
      expect(recoveryCodes).to.have.length(10);
      for (const code of recoveryCodes) expect(code).to.match(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
      expect(recoveryCodes).to.not.include.members(user.recoveryCodes);
      const old = await failure(completeWith((await challengeFor(user.email)).challengeToken, user.recoveryCodes[1]!));
      expect(old).to.include({ code: status.UNAUTHENTICATED, reason: 'SECOND_FACTOR_INVALID' });
      const pair = await completeWith((await challengeFor(user.email)).challengeToken, recoveryCodes[0]!);
      expect((await server.api.validateToken({ token: pair.accessToken })).amr).to.deep.equal(['pwd', 'otp']);
      expect(server.logs.join('\n')).to.not.contain(recoveryCodes[2]!);

      const { events } = await server.api.listAuditEvents({ targetClientId: user.id, type: 'recovery_codes.regenerated' }, { token: adminToken });
      expect(events.map((event) => [event.actorId, event.outcome])).to.deep.equal([[user.id, 1]]);
    });

    it('refuses to regenerate the recovery codes for a wrong or used code, or without TOTP, and stops a guesser at the login limit', async () => {
      const user = await userWithTotp();
      const code = totpCode(user.secret, 1);
      await server.api.regenerateRecoveryCodes({ code }, { token: user.token });
      const used = await failure(server.api.regenerateRecoveryCodes({ code }, { token: user.token }));
      expect(used).to.include({ code: status.INVALID_ARGUMENT, reason: 'CODE_INVALID', field: 'code' });
      const wrongCode = (n: number) => String((Number(totpCode(user.secret)) + 500_000 + n) % 1_000_000).padStart(6, '0');
      for (let attempt = 1; attempt < MAX_FAILURES; attempt++) {
        expect((await failure(server.api.regenerateRecoveryCodes({ code: wrongCode(attempt) }, { token: user.token }))).reason).to.equal('CODE_INVALID');
      }
      const throttled = await failure(server.api.regenerateRecoveryCodes({ code: totpCode(user.secret, -1) }, { token: user.token }));
      expect(throttled).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });

      const plain = await registerUser(server);
      const { accessToken } = await passwordLogin(plain.email);
      const none = await failure(server.api.regenerateRecoveryCodes({ code: '123456' }, { token: accessToken }));
      expect(none).to.include({ code: status.FAILED_PRECONDITION, reason: 'TOTP_NOT_ENABLED' });
    });

    it('lets an admin find clients with a second factor and reset them; others may not', async () => {
      const withFactor = await userWithTotp();
      const without = await registerUser(server);
      const list = async (hasSecondFactor: boolean) =>
        (await server.api.listClients({ pageSize: 500, pageToken: '', kind: 0, emailPrefix: '', hasSecondFactor }, { token: adminToken })).clients.map(
          (c) => c.id,
        );
      expect(await list(true))
        .to.include(withFactor.id)
        .and.not.include(without.id);
      expect(await list(false))
        .to.include(without.id)
        .and.not.include(withFactor.id);

      const denied = await failure(server.api.resetSecondFactor({ clientId: withFactor.id }, { token: withFactor.token }));
      expect(denied).to.include({ code: status.PERMISSION_DENIED, reason: 'PERMISSION_DENIED' });
      const reset = await server.api.resetSecondFactor({ clientId: withFactor.id }, { token: adminToken });
      expect(reset.client!.id).to.equal(withFactor.id);
      expect((await passwordLogin(withFactor.email)).accessToken).to.not.equal('');
      expect(await list(true)).to.not.include(withFactor.id);
      expect(server.logs.some((line) => line.includes('second factors reset by an admin') && line.includes(withFactor.id))).to.equal(true);
    });

    it('removes the factors of a deleted client', async () => {
      const user = await userWithTotp();
      await server.api.deleteClient({ clientId: '' }, { token: user.token });
      const stored = storedFactors(server);
      try {
        expect(await stored.store.findTotp(user.id)).to.equal(null);
        expect(await stored.store.claim(user.id, 'probe', new Date(Date.now() + 1000))).to.equal(true);
      } finally {
        stored.close();
      }
    });
  });
}
