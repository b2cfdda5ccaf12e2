import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ADMIN, PASSWORD, registerUser } from '../../support/factor-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

for (const setup of SETUPS) {
  describe(`A user's own account (UpdateMyProfile), on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let adminToken: string;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'my_account', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
      adminToken = (await server.api.login(ADMIN)).accessToken;
    });
    after(async () => server?.close());

    const signedIn = async () => {
      const user = await registerUser(server, 'account');
      return { ...user, token: (await server.api.login({ email: user.email, password: PASSWORD })).accessToken };
    };

    describe('UpdateMyProfile', () => {
      it('changes the names it is given, keeps the one it is not, stores them, and records the change', async () => {
        const user = await signedIn();
        const { client } = await server.api.updateMyProfile({ firstName: ' Grace ', lastName: 'Hopper' }, { token: user.token });
        expect(client).to.include({ id: user.id, firstName: 'Grace', lastName: 'Hopper', email: user.email });
        expect((await server.api.getMe({}, { token: user.token })).client).to.include({ firstName: 'Grace', lastName: 'Hopper' });
        const onlyLast = await server.api.updateMyProfile({ lastName: 'Murray Hopper' }, { token: user.token });
        expect(onlyLast.client).to.include({ firstName: 'Grace', lastName: 'Murray Hopper' });
        const cleared = await server.api.updateMyProfile({ firstName: '' }, { token: user.token });
        expect(cleared.client).to.include({ firstName: '', lastName: 'Murray Hopper' });
        expect((await server.api.getClient({ clientId: user.id }, { token: adminToken })).client).to.include({ firstName: '', lastName: 'Murray Hopper' });

        const { events } = await server.api.listAuditEvents({ targetClientId: user.id, type: 'profile.updated' }, { token: adminToken });
        expect(events).to.have.length(3);
        expect(events[0]).to.include({ actorId: user.id });
      });

      it('refuses a name registration refuses with INVALID_ARGUMENT naming the field, and changes nothing', async () => {
        const user = await signedIn();
        const tooLong = await failure(server.api.updateMyProfile({ firstName: 'x'.repeat(101), lastName: 'Hopper' }, { token: user.token }));
        expect(tooLong).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', field: 'first_name' });
        const control = await failure(server.api.updateMyProfile({ lastName: 'Hop\u0007per' }, { token: user.token }));
        expect(control).to.include({ code: status.INVALID_ARGUMENT, field: 'last_name' });
        expect((await server.api.getMe({}, { token: user.token })).client).to.include({ firstName: 'Ada', lastName: '' });
      });

      it('refuses a caller without a valid token, and a service', async () => {
        expect(await failure(server.api.updateMyProfile({ firstName: 'Grace' }))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_MISSING' });
        const { client, clientSecret } = await server.api.registerService(
          { email: `account-service${Date.now()}@example.com`, name: 'billing', groups: [] },
          { token: adminToken },
        );
        const { accessToken } = await server.api.issueServiceToken({ clientId: client!.id, clientSecret });
        expect(await failure(server.api.updateMyProfile({ firstName: 'Bot' }, { token: accessToken }))).to.include({
          code: status.FAILED_PRECONDITION,
          reason: 'NOT_A_USER',
        });
      });
    });
  });
}
