/**
 * What the console's operations sections read from the service: a service client's last
 * token issue and the signing keys with their states, on both set-ups.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import { type ListSigningKeysResponse, SigningKeySource, SigningKeyState } from '../../../gen/clientauth/v1/signing_keys.js';
import { eventually } from '../../support/eventually.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const ADMIN = { email: 'console-ops-root@example.com', password: 'admin password 1' };
const PASSWORD = 'correct horse battery';
const KEY_ENCRYPTION_KEY = 'a-key-encryption-key-of-at-least-32-bytes!';

for (const setup of SETUPS)
  describe(`The console's operations over gRPC (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;
    let adminToken: string;
    let counter = 0;
    const email = (prefix: string) => `${prefix}${++counter}.${Date.now()}@example.com`;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'console-ops', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
      adminToken = (await server.api.login(ADMIN)).accessToken;
    });
    after(async () => server?.close());

    describe('a service client’s last token issue', () => {
      it('is unset until the service obtains a token, then shows in ListClients (kind SERVICE) and GetClient, to the minute', async () => {
        const { client, clientSecret } = await server.api.registerService({ email: email('svc'), name: 'billing', groups: [] }, { token: adminToken });
        const listed = async () => {
          const services: NonNullable<typeof client>[] = [];
          let pageToken = '';
          do {
            const page = await server.api.listClients(
              { pageSize: 500, pageToken, kind: ClientKind.CLIENT_KIND_SERVICE, emailPrefix: client!.email },
              { token: adminToken },
            );
            services.push(...page.clients);
            pageToken = page.nextPageToken;
          } while (pageToken !== '');
          return services.find((service) => service.id === client!.id)!;
        };
        expect((await listed()).lastTokenIssueTime).to.equal(undefined);

        const before = Date.now();
        await server.api.issueServiceToken({ clientId: client!.id, clientSecret });
        const after = Date.now();
        const first = (await listed()).lastTokenIssueTime!;
        expect(first.getTime()).to.be.within(before, after);
        expect((await server.api.getClient({ clientId: client!.id }, { token: adminToken })).client!.lastTokenIssueTime).to.deep.equal(first);
        expect((await server.store.client(client!.id))!.lastTokenIssuedAt).to.deep.equal(first);

        // Another token within the minute leaves the record as it was: no write per token.
        await server.api.issueServiceToken({ clientId: client!.id, clientSecret });
        expect((await listed()).lastTokenIssueTime).to.deep.equal(first);

        // A refused exchange is no issue, and a user has none.
        await failure(server.api.issueServiceToken({ clientId: client!.id, clientSecret: 'not the secret' }));
        expect((await listed()).lastTokenIssueTime).to.deep.equal(first);
        const user = await server.api.registerUser({
          email: email('user'),
          password: PASSWORD,
          firstName: 'Ada',
          lastName: '',
          phoneNumber: '',
          attributes: {},
        });
        expect((await server.api.getClient({ clientId: user.client!.id }, { token: adminToken })).client!.lastTokenIssueTime).to.equal(undefined);
      });

      it('keeps the last token issue through a reset of the secret, and ListClients stays admin-only', async () => {
        const { client, clientSecret } = await server.api.registerService({ email: email('svc'), name: 'mailer', groups: [] }, { token: adminToken });
        await server.api.issueServiceToken({ clientId: client!.id, clientSecret });
        const issued = (await server.api.getClient({ clientId: client!.id }, { token: adminToken })).client!.lastTokenIssueTime!;
        const reset = await server.api.resetServiceSecret({ clientId: client!.id }, { token: adminToken });
        expect(reset.client!.lastTokenIssueTime).to.deep.equal(issued);
        const { accessToken } = await server.api.issueServiceToken({ clientId: client!.id, clientSecret: reset.clientSecret });
        expect(
          await failure(server.api.listClients({ pageSize: 0, pageToken: '', kind: ClientKind.CLIENT_KIND_SERVICE, emailPrefix: '' }, { token: accessToken })),
        ).to.include({ code: status.PERMISSION_DENIED });
      });
    });

    describe('ListDeletionRequests', () => {
      it('pages newest first with a page token, each request once, and refuses a token it did not issue', async () => {
        const deleted: string[] = [];
        for (let i = 0; i < 3; i++) {
          const { client } = await server.api.registerUser({
            email: email('gone'),
            password: PASSWORD,
            firstName: '',
            lastName: '',
            phoneNumber: '',
            attributes: {},
          });
          await server.api.deleteClient({ clientId: client!.id }, { token: adminToken });
          deleted.push(client!.id);
        }
        const paged: string[] = [];
        let pageToken = '';
        let pages = 0;
        do {
          const page = await server.api.listDeletionRequests({ pageSize: 1, pendingOnly: false, pageToken }, { token: adminToken });
          expect(page.deletionRequests.length).to.be.at.most(1);
          paged.push(...page.deletionRequests.map((request) => request.clientId));
          pageToken = page.nextPageToken;
          pages++;
        } while (pageToken !== '' && pages < 100);
        expect(paged.filter((id) => deleted.includes(id))).to.deep.equal([...deleted].reverse());
        expect(new Set(paged).size).to.equal(paged.length);
        expect(await failure(server.api.listDeletionRequests({ pageSize: 1, pendingOnly: false, pageToken: 'garbage' }, { token: adminToken }))).to.include({
          code: status.INVALID_ARGUMENT,
          reason: 'INVALID_PAGE_TOKEN',
        });
      });
    });

    describe('ListSigningKeys', () => {
      it('says HS256 publishes no key, and refuses anyone but an admin', async () => {
        expect(await server.api.listSigningKeys({}, { token: adminToken })).to.deep.equal({ source: SigningKeySource.SIGNING_KEY_SOURCE_SECRET, keys: [] });
        const address = email('user');
        await server.api.registerUser({ email: address, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
        const { accessToken } = await server.api.login({ email: address, password: PASSWORD });
        expect(await failure(server.api.listSigningKeys({}, { token: accessToken }))).to.include({
          code: status.PERMISSION_DENIED,
          reason: 'PERMISSION_DENIED',
        });
        expect(await failure(server.api.listSigningKeys({}))).to.include({ code: status.UNAUTHENTICATED });
      });

      describe('with stored keys (ES256)', () => {
        let keyed: TestServer;
        let keyedAdmin: string;
        before(async function () {
          const env = { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY, SIGNING_KEY_PUBLISH_AHEAD: '2s', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };
          keyed = await startTestServer(setupEnv(setup, this, 'console-keys', env));
          keyedAdmin = (await keyed.api.login(ADMIN)).accessToken;
        });
        after(async () => keyed?.close());

        it('lists the key set newest first with states and dates: the active key, a rotation’s next key, then the retired one until it expires', async () => {
          const initial = await keyed.api.listSigningKeys({}, { token: keyedAdmin });
          expect(initial.source).to.equal(SigningKeySource.SIGNING_KEY_SOURCE_STORED);
          expect(initial.keys).to.have.length(1);
          const [first] = initial.keys;
          expect(first).to.include({ algorithm: 'ES256', state: SigningKeyState.SIGNING_KEY_STATE_ACTIVE, retireTime: undefined, expireTime: undefined });
          expect(first!.createTime).to.be.instanceOf(Date);
          expect(first!.activateTime!.getTime()).to.be.at.most(Date.now());
          const published = (await keyed.api.getJwks({})).keys.map((key) => key.kid);
          expect(published).to.deep.equal([first!.kid]);

          const rotated = await keyed.api.rotateSigningKey({}, { token: keyedAdmin });
          const waiting = await keyed.api.listSigningKeys({}, { token: keyedAdmin });
          expect(waiting.keys.map((key) => [key.kid, key.state])).to.deep.equal([
            [rotated.kid, SigningKeyState.SIGNING_KEY_STATE_NEXT],
            [first!.kid, SigningKeyState.SIGNING_KEY_STATE_ACTIVE],
          ]);
          expect(waiting.keys[0]).to.deep.include({ createTime: rotated.publishTime, activateTime: rotated.activateTime });

          const after = await eventually(() => keyed.api.listSigningKeys({}, { token: keyedAdmin }), {
            until: (list: ListSigningKeysResponse) => list.keys[0]?.state === SigningKeyState.SIGNING_KEY_STATE_ACTIVE,
            what: 'the rotated key to sign',
          });
          expect(after.keys.map((key) => [key.kid, key.state])).to.deep.equal([
            [rotated.kid, SigningKeyState.SIGNING_KEY_STATE_ACTIVE],
            [first!.kid, SigningKeyState.SIGNING_KEY_STATE_RETIRED],
          ]);
          const retired = after.keys[1]!;
          expect(retired.retireTime).to.deep.equal(rotated.activateTime);
          expect(retired.expireTime!.getTime()).to.be.above(retired.retireTime!.getTime());
          // Nothing of a private key travels.
          expect(JSON.stringify(after)).to.not.match(/"d"|PRIVATE|sealed/i);
        });
      });
    });
  });
