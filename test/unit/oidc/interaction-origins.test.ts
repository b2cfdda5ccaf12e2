/**
 * Which origins a page in an OpenID Provider interaction may send its form on to
 * (bridge/oidc/interaction-origins.ts): the registered redirect origins of that
 * interaction's client only, and none for anything that is not exactly an interaction's page.
 */
import { expect } from 'chai';
import { interactionOrigins, originsOf } from '../../../bridge/oidc/interaction-origins.js';
import type { OidcServiceClient } from '../../../src/domain/oidc/service-clients.js';
import { FakeOidcStore } from '../fakes/oidc.js';

const NOW = new Date();

function serviceClient(id: string, redirectUris: string[], suspended = false): OidcServiceClient {
  return {
    id,
    name: id,
    groups: [],
    suspended,
    settings: {
      clientId: id,
      redirectUris,
      postLogoutRedirectUris: [`https://${id}.example/signed-out`],
      publicClient: false,
      firstParty: false,
      scopes: ['openid'],
      grantTypes: ['authorization_code'],
      updatedAt: NOW,
    },
  };
}

describe('The origins of an OpenID Provider interaction', () => {
  const store = new FakeOidcStore();
  const clients = new Map<string, OidcServiceClient>([
    ['app-a', serviceClient('app-a', ['https://a.example/callback', 'https://a.example/other', 'http://127.0.0.1:8080/cb'])],
    ['app-b', serviceClient('app-b', ['https://b.example/callback'])],
    ['app-off', serviceClient('app-off', ['https://off.example/callback'], true)],
  ]);
  const origins = interactionOrigins({ store, serviceClients: { find: async (id) => clients.get(id) ?? null } });

  before(async () => {
    const interaction = (uid: string, clientId: string) => ({
      model: 'Interaction',
      id: uid,
      payload: { uid, params: { client_id: clientId } },
      grantId: null,
      uid,
      userCode: null,
      accountId: null,
      consumedAt: null,
      expiresAt: new Date(NOW.getTime() + 600_000),
    });
    await store.upsert(interaction('uid-of-a', 'app-a'));
    await store.upsert(interaction('uid-of-off', 'app-off'));
  });

  it("lists the interaction's client's redirect origins, each once", async () => {
    expect(await origins.ofReturn('/oidc/interaction/uid-of-a')).to.deep.equal(['https://a.example', 'http://127.0.0.1:8080']);
    expect(await origins.ofInteraction('uid-of-a')).to.deep.equal(['https://a.example', 'http://127.0.0.1:8080']);
  });

  it('lists none for a return_to that is not exactly an interaction page, an unknown interaction, or a suspended client', async () => {
    for (const returnTo of [
      undefined,
      '/account',
      '/oidc/interaction/uid-of-a/consent',
      '/oidc/interaction/uid-of-a?x=1',
      '/oidc/interaction/../interaction/uid-of-a',
      'https://evil.example/oidc/interaction/uid-of-a',
      '/oidc/interaction/no-such-uid',
      '/oidc/interaction/uid-of-off',
    ])
      expect(await origins.ofReturn(returnTo), String(returnTo)).to.deep.equal([]);
  });

  it('reads each URL once for its origin, and leaves out what is not a URL', () => {
    expect(originsOf(['not a url', 'https://x.example/a', 'https://x.example/b'])).to.deep.equal(['https://x.example']);
  });
});
