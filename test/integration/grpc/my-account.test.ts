import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import type { PasskeyRecord } from '../../../src/domain/second-factor/ports.js';
import { ADMIN, enrolTotp, PASSWORD, registerUser, storedFactors } from '../../support/factor-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const MAX_FAILURES = 4;

for (const setup of SETUPS) {
  describe(`A user's own account (UpdateMyProfile, RenamePasskey, DeleteMyAccount), on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let adminToken: string;

    before(async function () {
      server = await startTestServer(
        setupEnv(setup, this, 'my_account', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOGIN_MAX_FAILURES: String(MAX_FAILURES) }),
      );
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

    describe('RenamePasskey', () => {
      /** A passkey of `clientId`, stored as FinishPasskeyRegistration stores one (the ceremony itself is the browser suite's). */
      const storedPasskey = async (clientId: string): Promise<PasskeyRecord> => {
        const passkey: PasskeyRecord = {
          id: `cred-${Date.now()}-${Math.random().toString(36).slice(2)}`,
          clientId,
          publicKey: 'pQECAyYgASFYIA',
          counter: 0,
          transports: ['internal'],
          name: 'passkey',
          backedUp: false,
          createdAt: new Date(),
          lastUsedAt: null,
        };
        const stored = storedFactors(server);
        try {
          await stored.store.addPasskey(passkey);
        } finally {
          stored.close();
        }
        return passkey;
      };

      it("renames one of the caller's passkeys, which ListPasskeys then shows, and records it", async () => {
        const user = await signedIn();
        const passkey = await storedPasskey(user.id);
        const { passkey: renamed } = await server.api.renamePasskey({ passkeyId: passkey.id, name: ' work laptop ' }, { token: user.token });
        expect(renamed).to.include({ id: passkey.id, name: 'work laptop' });
        expect((await server.api.listPasskeys({}, { token: user.token })).passkeys.map((listed) => listed.name)).to.deep.equal(['work laptop']);
        const { events } = await server.api.listAuditEvents({ targetClientId: user.id, type: 'second_factor.renamed' }, { token: adminToken });
        expect(events.map((event) => [event.actorId, event.method])).to.deep.equal([[user.id, 'passkey']]);
      });

      it("answers another user's passkey NOT_FOUND, as an unknown one, and a bad name INVALID_ARGUMENT, renaming nothing", async () => {
        const user = await signedIn();
        const other = await signedIn();
        const theirs = await storedPasskey(other.id);
        const refused = await failure(server.api.renamePasskey({ passkeyId: theirs.id, name: 'mine now' }, { token: user.token }));
        const unknown = await failure(server.api.renamePasskey({ passkeyId: 'cred-unknown', name: 'mine now' }, { token: user.token }));
        expect(refused).to.deep.equal(unknown);
        expect(refused).to.include({ code: status.NOT_FOUND, reason: 'PASSKEY_NOT_FOUND' });
        const empty = await failure(server.api.renamePasskey({ passkeyId: theirs.id, name: ' ' }, { token: other.token }));
        expect(empty).to.include({ code: status.INVALID_ARGUMENT, field: 'name' });
        expect((await server.api.listPasskeys({}, { token: other.token })).passkeys.map((listed) => listed.name)).to.deep.equal(['passkey']);
      });
    });

    describe('DeleteMyAccount', () => {
      it('deletes the caller once its password is re-entered: its tokens die at once, its factors go, and every service is told', async () => {
        const user = await signedIn();
        const other = await server.api.login({ email: user.email, password: PASSWORD });
        await enrolTotp(server, user.token);
        const { deletionRequest } = await server.api.deleteMyAccount({ password: PASSWORD }, { token: user.token });
        expect(deletionRequest).to.include({ clientId: user.id, requestedBy: user.id });

        for (const token of [user.token, other.accessToken]) {
          expect(await failure(server.api.validateToken({ token }))).to.include({ code: status.UNAUTHENTICATED, reason: 'CLIENT_DELETED' });
        }
        expect(await failure(server.api.refreshToken({ refreshToken: other.refreshToken }))).to.include({ code: status.UNAUTHENTICATED });
        expect(await failure(server.api.login({ email: user.email, password: PASSWORD }))).to.include({ reason: 'INVALID_CREDENTIALS' });
        expect(await failure(server.api.getClient({ clientId: user.id }, { token: adminToken }))).to.include({ code: status.NOT_FOUND });
        const stored = storedFactors(server);
        try {
          expect(await stored.store.findTotp(user.id)).to.equal(null);
        } finally {
          stored.close();
        }
        const { deletionRequests } = await server.api.listDeletionRequests({ pageSize: 500 }, { token: adminToken });
        expect(deletionRequests.filter((request) => request.clientId === user.id).map((request) => request.requestedBy)).to.deep.equal([user.id]);
        const { events } = await server.api.listAuditEvents({ targetClientId: user.id, type: 'client.deleted' }, { token: adminToken });
        expect(events.map((event) => [event.actorId, event.outcome])).to.deep.equal([[user.id, 1]]);
      });

      it('refuses a wrong password with INVALID_CREDENTIALS and deletes nothing, and stops a guesser at the limit ChangePassword has', async () => {
        const user = await signedIn();
        const wrong = await failure(server.api.deleteMyAccount({ password: 'not the password' }, { token: user.token }));
        expect(wrong).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
        expect((await server.api.getMe({}, { token: user.token })).client!.id).to.equal(user.id);
        for (let attempt = 1; attempt < MAX_FAILURES - 1; attempt++) {
          expect((await failure(server.api.deleteMyAccount({ password: `wrong ${attempt}` }, { token: user.token }))).reason).to.equal('INVALID_CREDENTIALS');
        }
        const changed = await failure(
          server.api.changePassword({ currentPassword: 'wrong again', newPassword: 'a brand new password' }, { token: user.token }),
        );
        expect(changed.reason).to.equal('INVALID_CREDENTIALS');
        const throttled = await failure(server.api.deleteMyAccount({ password: PASSWORD }, { token: user.token }));
        expect(throttled).to.include({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_ATTEMPTS' });
        expect((await server.api.getMe({}, { token: user.token })).client!.id).to.equal(user.id);
        const missing = await failure(server.api.deleteMyAccount({ password: '' }, { token: user.token }));
        expect(missing).to.include({ code: status.INVALID_ARGUMENT, field: 'password' });
      });

      it('keeps the last active admin', async () => {
        const refused = await failure(server.api.deleteMyAccount({ password: ADMIN.password }, { token: adminToken }));
        expect(refused).to.include({ code: status.FAILED_PRECONDITION, reason: 'LAST_ADMIN' });
        const { client } = await server.api.getMe({}, { token: adminToken });
        expect(client!.groups).to.include('admin');
      });
    });
  });
}
