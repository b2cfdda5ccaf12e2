import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ADMIN, type OidcStack, registerServiceClient, startOidcStack } from '../../support/oidc-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`SetOidcClient (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_clients');
    });
    after(async () => stack?.close());

    const request = (clientId: string) => ({
      clientId,
      redirectUris: ['https://grafana.example.com/login/generic_oauth'],
      postLogoutRedirectUris: ['https://grafana.example.com/'],
      publicClient: false,
      firstParty: true,
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      grantTypes: ['authorization_code', 'refresh_token'],
    });

    it("registers a service client's redirect URIs, scopes and grant types, answered as stored", async () => {
      const service = await registerServiceClient(stack);
      const { oidcClient } = await stack.server.api.setOidcClient(request(service.id), { token: await stack.adminToken() });
      const { updateTime, ...settings } = oidcClient!;
      expect(settings).to.deep.equal(request(service.id));
      expect(updateTime).to.be.instanceOf(Date);
    });

    it('refuses a wildcard, a fragment and a non-https redirect URI off loopback with INVALID_ARGUMENT naming the field, keeping what was stored', async () => {
      const service = await registerServiceClient(stack);
      const token = await stack.adminToken();
      await stack.server.api.setOidcClient(request(service.id), { token });
      for (const uri of ['https://*.example.com/cb', 'https://app.example.com/cb#top', 'http://app.example.com/cb']) {
        const refused = await failure(stack.server.api.setOidcClient({ ...request(service.id), redirectUris: [uri] }, { token }));
        expect(refused, uri).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', field: 'redirect_uris' });
      }
      const kept = await stack.server.app.useCases.oidcServiceClients.find(service.id);
      expect(kept?.settings?.redirectUris).to.deep.equal(request(service.id).redirectUris);
    });

    it('is for admins only, and for service clients only', async () => {
      const service = await registerServiceClient(stack);
      const user = await stack.server.api.registerUser({
        email: `oidc-user-${Date.now()}@example.org`,
        password: ADMIN.password,
        firstName: '',
        lastName: '',
        phoneNumber: '',
        attributes: {},
      });
      const userToken = (await stack.server.api.login({ email: user.client!.email, password: ADMIN.password })).accessToken;
      expect(await failure(stack.server.api.setOidcClient(request(service.id), { token: userToken }))).to.include({ code: status.PERMISSION_DENIED });
      expect(await failure(stack.server.api.setOidcClient(request(user.client!.id), { token: await stack.adminToken() }))).to.include({
        code: status.FAILED_PRECONDITION,
        reason: 'NOT_A_SERVICE',
      });
    });

    it('GetOidcClient answers the settings as stored, nothing for a service without any, to admins only', async () => {
      const service = await registerServiceClient(stack);
      const token = await stack.adminToken();
      expect((await stack.server.api.getOidcClient({ clientId: service.id }, { token })).oidcClient).to.equal(undefined);
      const { oidcClient: set } = await stack.server.api.setOidcClient(request(service.id), { token });
      expect((await stack.server.api.getOidcClient({ clientId: service.id }, { token })).oidcClient).to.deep.equal(set);
      const serviceToken = (await stack.server.api.issueServiceToken({ clientId: service.id, clientSecret: service.secret })).accessToken;
      expect(await failure(stack.server.api.getOidcClient({ clientId: service.id }, { token: serviceToken }))).to.include({ code: status.PERMISSION_DENIED });
      expect(await failure(stack.server.api.getOidcClient({ clientId: '01a00000-0000-7000-8000-000000000000' }, { token }))).to.include({
        code: status.NOT_FOUND,
        reason: 'CLIENT_NOT_FOUND',
      });
    });
  });
