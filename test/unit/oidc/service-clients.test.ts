import { expect } from 'chai';
import type { OidcServiceClients } from '../../../src/domain/oidc/service-clients.js';
import { adminPrincipal, registeredUser, world } from '../fakes/world.js';

describe('The OpenID Provider’s service clients (unit, with fakes)', () => {
  const admin = adminPrincipal();
  async function service(w: ReturnType<typeof world>) {
    return w.useCases.registration.registerService(admin, { email: `svc${Math.random().toString().slice(2)}@example.com`, name: 'app', groups: ['billing'] });
  }
  /** Counts the client store's reads while `run` runs. */
  async function readsDuring(w: ReturnType<typeof world>, run: () => Promise<unknown>): Promise<number> {
    const store = w.clients;
    const original = store.findById.bind(store);
    let reads = 0;
    store.findById = (id) => {
      reads += 1;
      return original(id);
    };
    try {
      await run();
    } finally {
      store.findById = original;
    }
    return reads;
  }
  const lookupOf = (clients: OidcServiceClients, id: string) => clients.lookup(id);

  it('reads a service client once for a token request: the secret is checked against the record the lookup read', async () => {
    const w = world();
    const { client, clientSecret } = await service(w);
    const reads = await readsDuring(w, async () => {
      const found = await lookupOf(w.useCases.oidcServiceClients, client.id);
      expect(found?.client).to.include({ id: client.id, name: 'app', suspended: false });
      expect(await found?.secretMatches(clientSecret, '198.51.100.7')).to.equal(true);
      expect(await found?.secretMatches('not the secret', '198.51.100.7')).to.equal(false);
    });
    expect(reads).to.equal(1);
  });

  it('sees a reset secret and a suspension at the next lookup, and finds no deleted client', async () => {
    const w = world();
    const { client, clientSecret } = await service(w);
    const { clientSecret: newSecret } = await w.useCases.serviceSecrets.resetServiceSecret(admin, { clientId: client.id });
    const afterReset = await lookupOf(w.useCases.oidcServiceClients, client.id);
    expect(await afterReset?.secretMatches(clientSecret, '198.51.100.7')).to.equal(false);
    expect(await afterReset?.secretMatches(newSecret, '198.51.100.7')).to.equal(true);

    await w.useCases.suspension.suspendClient(admin, { clientId: client.id, reason: 'leaked' });
    expect((await lookupOf(w.useCases.oidcServiceClients, client.id))?.client.suspended).to.equal(true);

    const other = await service(w);
    await w.useCases.deletion.deleteClient(admin, { clientId: other.client.id });
    expect(await lookupOf(w.useCases.oidcServiceClients, other.client.id)).to.equal(null);
  });

  it('finds nothing for a user, an unknown id or no id at all, and checks no secret for them', async () => {
    const w = world();
    const user = await registeredUser(w);
    for (const id of [user.client.id, '01JAAAAAAAAAAAAAAAAAAAAAAA', 'not-an-id', ''])
      expect(await lookupOf(w.useCases.oidcServiceClients, id), id).to.equal(null);
  });
});
