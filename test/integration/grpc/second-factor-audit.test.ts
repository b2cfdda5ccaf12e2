/** Second factors in the audit trail: enrolment, the two steps of a login, removal and an admin's reset. */
import { expect } from 'chai';
import { ListAuditEventsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { ADMIN, enrolTotp, PASSWORD, registerUser, totpCode } from '../../support/factor-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

for (const setup of SETUPS) {
  describe(`Second factors in the audit trail (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let admin: { id: string; token: string };

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'factor-audit', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
      const login = await server.api.login(ADMIN);
      admin = { id: login.client!.id, token: login.accessToken };
    });
    after(async () => server?.close());

    it('records enrolment, the password step, a wrong and a right factor, removal and reset, with no code or secret', async () => {
      const user = await registerUser(server, 'audited-mfa');
      const { accessToken } = await server.api.login({ email: user.email, password: PASSWORD });
      const { secret, recoveryCodes } = await enrolTotp(server, accessToken);

      const first = (await server.api.login({ email: user.email, password: PASSWORD })).secondFactorChallenge!;
      const wrongCode = totpCode(secret) === '000000' ? '111111' : '000000';
      await failure(server.api.completeLogin({ challengeToken: first.challengeToken, totpCode: wrongCode, recoveryCode: '', passkey: undefined }));
      const second = (await server.api.login({ email: user.email, password: PASSWORD })).secondFactorChallenge!;
      const pair = await server.api.completeLogin({ challengeToken: second.challengeToken, totpCode: '', recoveryCode: recoveryCodes[0]!, passkey: undefined });
      await server.api.disableTotp({ code: '', recoveryCode: recoveryCodes[1]! }, { token: pair.accessToken });
      await server.api.resetSecondFactor({ clientId: user.id }, { token: admin.token });

      await server.app.audit.flush();
      const { events } = await server.api.listAuditEvents(ListAuditEventsRequest.fromPartial({ targetClientId: user.id }), { token: admin.token });
      const summary = events.map((event) => [event.type, event.actorId, event.method, event.reason]).reverse();
      expect(summary).to.deep.equal([
        ['client.registered', 'anonymous', '', ''],
        ['login.succeeded', user.id, '', ''],
        ['second_factor.enrolled', user.id, 'totp', ''],
        ['login.second_factor_required', user.id, '', ''],
        ['second_factor.failed', 'anonymous', 'totp', 'SECOND_FACTOR_INVALID'],
        ['login.second_factor_required', user.id, '', ''],
        ['second_factor.passed', user.id, 'recovery_code', ''],
        ['second_factor.removed', user.id, 'totp', ''],
        ['second_factor.reset', admin.id, '', ''],
      ]);
      const passed = events.find((event) => event.type === 'second_factor.passed')!;
      expect(passed.sessionId).to.match(/^[0-9a-f-]{36}$/);

      const { signIns } = await server.api.listMySignIns({ pageSize: 0, pageToken: '' }, { token: pair.accessToken });
      expect(signIns.map((event) => event.type)).to.deep.equal([
        'second_factor.passed',
        'login.second_factor_required',
        'second_factor.failed',
        'login.second_factor_required',
        'login.succeeded',
      ]);

      const text = JSON.stringify(events);
      for (const secretValue of [secret, ...recoveryCodes, wrongCode, first.challengeToken, second.challengeToken, pair.accessToken, pair.refreshToken]) {
        expect(text.includes(secretValue), 'a code or secret in the audit trail').to.equal(false);
      }
    });
  });
}
