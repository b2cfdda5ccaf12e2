/** A gateway location that demands a second factor: forward auth's `?second_factor=true` (Envoy: the `second_factor` context extension). */
import { expect } from 'chai';
import { accessRequirement, requireAccess } from '../../../src/domain/sessions/access-requirement.js';
import { enrolTotp, PASSWORD, registerUser, totpCode } from '../../support/factor-fixture.js';
import { setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { startBridgeFor, type TestBridge } from '../bridge/bridge-fixture.js';

describe('Gateways demanding a second factor', function () {
  this.timeout(30000);
  let server: TestServer;
  let bridge: TestBridge;

  before(async function () {
    server = await startTestServer(setupEnv('embedded', this, 'gateway_mfa'));
    // As the default `all` role wires it; the bridge suites cover the network wiring too.
    bridge = await startBridgeFor(server, 'in-process');
  });
  after(async () => {
    await bridge?.close();
    await server?.close();
  });

  const ask = (query: string, token: string) => fetch(`${bridge.url}/auth${query}`, { headers: { Authorization: `Bearer ${token}` } });

  it('refuses a password-only login with 403 SECOND_FACTOR_REQUIRED, and admits one completed with a code', async () => {
    const user = await registerUser(server);
    const passwordOnly = (await server.api.login({ email: user.email, password: PASSWORD })).accessToken;
    expect((await ask('', passwordOnly)).status).to.equal(200);
    const refused = await ask('?second_factor=true', passwordOnly);
    expect(refused.status).to.equal(403);
    expect(((await refused.json()) as { reason: string }).reason).to.equal('SECOND_FACTOR_REQUIRED');

    const { secret } = await enrolTotp(server, passwordOnly);
    const { challengeToken } = (await server.api.login({ email: user.email, password: PASSWORD })).secondFactorChallenge!;
    const { accessToken } = await server.api.completeLogin({ challengeToken, totpCode: totpCode(secret, 1), recoveryCode: '', passkey: undefined });
    const admitted = await ask('?second_factor=true', accessToken);
    expect(admitted.status).to.equal(200);
    expect(admitted.headers.get('x-client-id')).to.equal(user.id);
  });

  it('refuses a misconfigured requirement rather than letting everyone in', async () => {
    const user = await registerUser(server);
    const token = (await server.api.login({ email: user.email, password: PASSWORD })).accessToken;
    for (const query of ['?second_factor=yes', '?second_factor=', '?second-factor=true', '?secondFactor=true']) {
      const misconfigured = await ask(query, token);
      expect(misconfigured.status, query).to.equal(500);
      expect(((await misconfigured.json()) as { reason: string }).reason, query).to.equal('GATEWAY_MISCONFIGURED');
    }
  });

  it('decides alike for Envoy: a passkey or a code counts, a password alone does not', () => {
    const requirement = accessRequirement([['second_factor', 'true']]);
    const principal = (amr: string[]) => ({ kind: 'user' as const, groups: ['user'], amr });
    expect(() => requireAccess(principal(['pwd']), requirement))
      .to.throw()
      .with.property('reason', 'SECOND_FACTOR_REQUIRED');
    expect(() => requireAccess(principal([]), requirement))
      .to.throw()
      .with.property('reason', 'SECOND_FACTOR_REQUIRED');
    for (const amr of [['pwd', 'otp'], ['pwd', 'hwk'], ['hwk']]) expect(() => requireAccess(principal(amr), requirement)).to.not.throw();
  });
});
