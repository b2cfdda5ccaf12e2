import { expect } from 'chai';
import type { OidcClientInput } from '../../../src/domain/oidc/client-registration.js';
import { adminPrincipal, reasonOf, registeredUser, world } from '../fakes/world.js';

function fieldOf(call: Promise<unknown>): Promise<{ reason: string; field: string; message: string }> {
  return call.then(
    () => {
      throw new Error('the call succeeded but was expected to fail');
    },
    (error: { reason: string; field: string; message: string }) => ({ reason: error.reason, field: error.field, message: error.message }),
  );
}

describe('SetOidcClient (unit, with fakes)', () => {
  const admin = adminPrincipal();
  async function service(w: ReturnType<typeof world>) {
    return (await w.useCases.registration.registerService(admin, { email: `svc${Math.random().toString().slice(2)}@example.com`, name: 'app', groups: [] }))
      .client;
  }
  const settings = (clientId: string, fields: Partial<OidcClientInput> = {}): OidcClientInput => ({
    clientId,
    redirectUris: ['https://app.example.com/callback', 'http://127.0.0.1:8080/cb'],
    postLogoutRedirectUris: ['https://app.example.com/'],
    publicClient: false,
    firstParty: true,
    scopes: ['openid', 'profile', 'email'],
    grantTypes: ['authorization_code', 'refresh_token'],
    ...fields,
  });

  it('stores the settings of a service client, returned as stored, and records who set them', async () => {
    const w = world();
    const client = await service(w);
    const stored = await w.useCases.oidcClientRegistrations.setOidcClient(admin, settings(client.id));
    expect(stored).to.deep.include(settings(client.id));
    expect((await w.useCases.oidcServiceClients.find(client.id))?.settings).to.deep.equal(stored);
    await w.audit.flush();
    const records = [...w.auditLog.records.values()].filter((record) => record.type === 'oidc_client.set');
    expect(records.map((record) => [record.actor, record.target])).to.deep.equal([[admin.clientId, client.id]]);
  });

  it('refuses wildcards, fragments, non-https URIs off loopback, relative URIs and credentials, naming the field, and stores nothing', async () => {
    const w = world();
    const client = await service(w);
    const refused: Array<[Partial<OidcClientInput>, string, RegExp]> = [
      [{ redirectUris: ['https://*.example.com/cb'] }, 'redirect_uris', /wildcard/],
      [{ redirectUris: ['https://app.example.com/cb#x'] }, 'redirect_uris', /fragment/],
      [{ redirectUris: ['http://app.example.com/cb'] }, 'redirect_uris', /https/],
      [{ redirectUris: ['com.example.app:/cb'] }, 'redirect_uris', /https/],
      [{ redirectUris: ['/cb'] }, 'redirect_uris', /absolute/],
      [{ redirectUris: ['https://user:pw@app.example.com/cb'] }, 'redirect_uris', /credentials/],
      [{ postLogoutRedirectUris: ['http://evil.example/'] }, 'post_logout_redirect_uris', /https/],
      [{ scopes: ['openid', 'admin' as never] }, 'scopes', /not one of/],
      [{ grantTypes: ['implicit' as never] }, 'grant_types', /not one of/],
      [{ grantTypes: [] }, 'grant_types', /at least one/],
      [{ publicClient: true, grantTypes: ['client_credentials'] }, 'grant_types', /public/],
      [{ redirectUris: [] }, 'redirect_uris', /at least one/],
    ];
    for (const [fields, field, message] of refused) {
      const failure = await fieldOf(w.useCases.oidcClientRegistrations.setOidcClient(admin, settings(client.id, fields)));
      expect(failure, JSON.stringify(fields)).to.include({ reason: 'INVALID_ARGUMENT', field });
      expect(failure.message, JSON.stringify(fields)).to.match(message);
    }
    expect((await w.useCases.oidcServiceClients.find(client.id))?.settings).to.equal(null);
  });

  it('takes loopback http for native apps and development', async () => {
    const w = world();
    const client = await service(w);
    const loopback = ['http://127.0.0.1/cb', 'http://[::1]:9000/cb', 'http://localhost:3000/auth/callback'];
    const stored = await w.useCases.oidcClientRegistrations.setOidcClient(admin, settings(client.id, { redirectUris: loopback }));
    expect(stored.redirectUris).to.deep.equal(loopback);
  });

  it('is for admins only, checked before the client is looked up, and for service clients only', async () => {
    const w = world();
    const { principal, client: user } = await registeredUser(w);
    expect(await reasonOf(w.useCases.oidcClientRegistrations.setOidcClient(principal, settings('01900000-0000-7000-8000-00000000dead')))).to.equal(
      'PERMISSION_DENIED',
    );
    expect(await reasonOf(w.useCases.oidcClientRegistrations.setOidcClient(admin, settings('01900000-0000-7000-8000-00000000dead')))).to.equal(
      'CLIENT_NOT_FOUND',
    );
    expect(await reasonOf(w.useCases.oidcClientRegistrations.setOidcClient(admin, settings(user.id)))).to.equal('NOT_A_SERVICE');
  });
});
