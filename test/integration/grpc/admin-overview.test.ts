/**
 * GetAdminOverview, the figures of the console's front page, on both set-ups: each one
 * moves as the thing it counts happens, and only admins may read them.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import type { GetAdminOverviewResponse } from '../../../gen/clientauth/v1/admin_overview.js';
import { SigningKeySource, SigningKeyState } from '../../../gen/clientauth/v1/signing_keys.js';
import { enrolTotp, totpCode } from '../../support/factor-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const ADMIN = { email: 'overview-root@example.com', password: 'admin password 1' };
const PASSWORD = 'correct horse battery';
const WRONG = 'not the password at all';
const KEY_ENCRYPTION_KEY = 'a-key-encryption-key-of-at-least-32-bytes!';

for (const setup of SETUPS)
  describe(`GetAdminOverview (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;
    let adminToken: string;
    let counter = 0;
    const email = (prefix: string) => `${prefix}${++counter}.${Date.now()}@example.com`;

    before(async function () {
      server = await startTestServer(
        setupEnv(setup, this, 'overview', {
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          JWT_ALGORITHM: 'ES256',
          KEY_ENCRYPTION_KEY,
        }),
      );
      adminToken = (await server.api.login(ADMIN)).accessToken;
    });
    after(async () => server?.close());

    const overview = () => server.api.getAdminOverview({}, { token: adminToken });
    /** How each figure moved since `before`. */
    const moved = async (before: GetAdminOverviewResponse) => {
      const now = await overview();
      return {
        users: now.userCount - before.userCount,
        services: now.serviceCount - before.serviceCount,
        suspended: now.suspendedClientCount - before.suspendedClientCount,
        sessions: now.activeSessionCount - before.activeSessionCount,
        signIns: now.signInCount - before.signInCount,
        failedSignIns: now.failedSignInCount - before.failedSignInCount,
      };
    };
    const register = async () => {
      const address = email('person');
      const { client } = await server.api.registerUser({ email: address, password: PASSWORD, firstName: 'Ada', lastName: '', phoneNumber: '', attributes: {} });
      return { id: client!.id, email: address };
    };

    it('counts clients by kind, suspended ones, active sessions, and sign-ins and failed sign-ins of the last day as they happen', async () => {
      const start = await overview();
      // The admin bootstrapped at start-up is a user with a session (this test's token).
      expect(start.userCount).to.be.at.least(1);
      expect(start.activeSessionCount).to.be.at.least(1);
      expect(start.signInCount).to.be.at.least(1);
      expect(start.countTime!.getTime()).to.be.closeTo(Date.now(), 60_000);

      const user = await register();
      await server.api.registerService({ email: email('svc'), name: 'billing', groups: [] }, { token: adminToken });
      expect(await moved(start)).to.deep.equal({ users: 1, services: 1, suspended: 0, sessions: 0, signIns: 0, failedSignIns: 0 });

      await server.api.login({ email: user.email, password: PASSWORD });
      await failure(server.api.login({ email: user.email, password: WRONG }));
      expect(await moved(start)).to.deep.equal({ users: 1, services: 1, suspended: 0, sessions: 1, signIns: 1, failedSignIns: 1 });

      // A suspension ends the client's sessions.
      await server.api.suspendClient({ clientId: user.id, reason: 'fraud' }, { token: adminToken });
      expect(await moved(start)).to.deep.equal({ users: 1, services: 1, suspended: 1, sessions: 0, signIns: 1, failedSignIns: 1 });

      // A deleted client is in no count, and its deletion request is delivered at once here.
      await server.api.deleteClient({ clientId: user.id }, { token: adminToken });
      expect(await moved(start)).to.deep.equal({ users: 0, services: 1, suspended: 0, sessions: 0, signIns: 1, failedSignIns: 1 });
      const pending = await server.api.listDeletionRequests({ pageSize: 100, pendingOnly: true }, { token: adminToken });
      expect((await overview()).pendingDeletionRequestCount).to.equal(pending.deletionRequests.length);
    });

    it('counts the second step of a login as the sign-in, and a wrong code as a failed one', async () => {
      const user = await register();
      const { accessToken } = await server.api.login({ email: user.email, password: PASSWORD });
      const { secret } = await enrolTotp(server, accessToken);
      const start = await overview();

      const challengeToken = async () => (await server.api.login({ email: user.email, password: PASSWORD })).secondFactorChallenge!.challengeToken;
      // The code of the next step: the current one was spent on the enrolment.
      const wrongCode = totpCode(secret, 1) === '123456' ? '654321' : '123456';
      await failure(server.api.completeLogin({ challengeToken: await challengeToken(), totpCode: wrongCode, recoveryCode: '', passkey: undefined }));
      // A right password with a second step to come is not a sign-in yet.
      expect(await moved(start)).to.deep.include({ sessions: 0, signIns: 0, failedSignIns: 1 });
      await server.api.completeLogin({ challengeToken: await challengeToken(), totpCode: totpCode(secret, 1), recoveryCode: '', passkey: undefined });
      expect(await moved(start)).to.deep.include({ sessions: 1, signIns: 1, failedSignIns: 1 });
    });

    it('names the signing key in use, as ListSigningKeys does, with when it began signing', async () => {
      const figures = await overview();
      const keys = await server.api.listSigningKeys({}, { token: adminToken });
      const active = keys.keys.find((key) => key.state === SigningKeyState.SIGNING_KEY_STATE_ACTIVE)!;
      expect(figures.signingKeySource).to.equal(SigningKeySource.SIGNING_KEY_SOURCE_STORED);
      expect(figures.signingKey).to.deep.equal(active);
      expect(figures.signingKey).to.include({ algorithm: 'ES256' });
      expect(figures.signingKey!.activateTime!.getTime()).to.be.at.most(Date.now());
    });

    it('refuses a caller who is not an admin with PERMISSION_DENIED, and one without a token with UNAUTHENTICATED', async () => {
      const user = await register();
      const { accessToken } = await server.api.login({ email: user.email, password: PASSWORD });
      expect(await failure(server.api.getAdminOverview({}, { token: accessToken }))).to.include({
        code: status.PERMISSION_DENIED,
        reason: 'PERMISSION_DENIED',
      });
      expect(await failure(server.api.getAdminOverview({}))).to.include({ code: status.UNAUTHENTICATED });
    });
  });
