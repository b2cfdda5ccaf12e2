/** Second factors across instances and kinds of client: what one instance used up, another refuses; services have none; the token says how its holder logged in. */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ADMIN, enrolTotp, PASSWORD, registerUser, totpCode } from '../../support/factor-fixture.js';
import { dbNameOf, failure, startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

describe('Second factors on two instances sharing FerretDB and Redis', function () {
  this.timeout(30000);
  let first: TestServer;
  let second: TestServer;

  before(async function () {
    const services = requireServices(this);
    first = await startTestServer(testEnv(services, 'mfa-instances', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
    second = await startTestServer({ ...testEnv(services, 'mfa-instances-2'), DB_NAME: dbNameOf(first.config) });
  });
  after(async () => {
    await second?.close();
    await first?.close();
  });

  it('refuses on one instance a TOTP code or recovery code already used on the other', async () => {
    const user = await registerUser(first);
    const { secret, recoveryCodes } = await enrolTotp(first, (await first.api.login({ email: user.email, password: PASSWORD })).accessToken);
    const challengeOn = async (server: TestServer) => (await server.api.login({ email: user.email, password: PASSWORD })).secondFactorChallenge!.challengeToken;
    const code = totpCode(secret, 1);
    await first.api.completeLogin({ challengeToken: await challengeOn(first), totpCode: code, recoveryCode: '', passkey: undefined });
    const replay = await failure(second.api.completeLogin({ challengeToken: await challengeOn(second), totpCode: code, recoveryCode: '', passkey: undefined }));
    expect(replay).to.include({ code: status.UNAUTHENTICATED, reason: 'SECOND_FACTOR_INVALID' });

    await second.api.completeLogin({ challengeToken: await challengeOn(second), totpCode: '', recoveryCode: recoveryCodes[0]!, passkey: undefined });
    const reused = await failure(
      first.api.completeLogin({ challengeToken: await challengeOn(first), totpCode: '', recoveryCode: recoveryCodes[0]!, passkey: undefined }),
    );
    expect(reused.reason).to.equal('SECOND_FACTOR_INVALID');
  });

  it('uses a challenge up once across instances: the second instance refuses what the first took', async () => {
    const user = await registerUser(first);
    const { secret } = await enrolTotp(first, (await first.api.login({ email: user.email, password: PASSWORD })).accessToken);
    const { challengeToken } = (await second.api.login({ email: user.email, password: PASSWORD })).secondFactorChallenge!;
    const pair = await first.api.completeLogin({ challengeToken, totpCode: totpCode(secret, 1), recoveryCode: '', passkey: undefined });
    // The amr claim itself, as a gateway verifying the JWT locally reads it.
    const claims = JSON.parse(Buffer.from(pair.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { amr?: string[] };
    expect(claims.amr).to.deep.equal(['pwd', 'otp']);
    const again = await failure(second.api.completeLogin({ challengeToken, totpCode: totpCode(secret, -1), recoveryCode: '', passkey: undefined }));
    expect(again.reason).to.equal('CHALLENGE_INVALID');
  });

  it('gives services no second factor, and their tokens no amr', async () => {
    const admin = (await first.api.login(ADMIN)).accessToken;
    const service = await first.api.registerService({ email: `svc.${Date.now()}@example.org`, name: 'reports', groups: [] }, { token: admin });
    const { accessToken } = await first.api.issueServiceToken({ clientId: service.client!.id, clientSecret: service.clientSecret });
    const refused = await failure(first.api.beginTotpEnrollment({}, { token: accessToken }));
    expect(refused).to.include({ code: status.FAILED_PRECONDITION, reason: 'NOT_A_USER' });
    expect((await first.api.validateToken({ token: accessToken })).amr).to.deep.equal([]);
  });
});
