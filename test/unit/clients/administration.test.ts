import { expect } from 'chai';
import { adminPrincipal, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('Administration (unit, with fakes)', () => {
  it('checks the admin group before anything else', async () => {
    const w = world();
    const { principal } = await registeredUser(w);
    const admin = w.useCases.administration;
    for (const call of [
      admin.getClient(principal, { clientId: 'not an id' }),
      admin.listClients(principal, { pageSize: 0, pageToken: 'garbage', emailPrefix: '' }),
      admin.setClientGroups(principal, { clientId: principal.clientId, groups: ['admin'] }),
      admin.listDeletionRequests(principal, { pageSize: 0, pendingOnly: false }),
    ]) {
      expect(await reasonOf(call)).to.equal('PERMISSION_DENIED');
    }
  });

  it('pages through every client exactly once with opaque page tokens, and refuses a token it did not issue', async () => {
    const w = world();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await registeredUser(w, `p${i}@example.com`)).client.id);
      w.clock.advance(1);
    }
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await w.useCases.administration.listClients(adminPrincipal(), { pageSize: 2, pageToken, emailPrefix: 'p' });
      seen.push(...page.clients.map((client) => client.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen).to.deep.equal(ids);
    expect(await reasonOf(w.useCases.administration.listClients(adminPrincipal(), { pageSize: 2, pageToken: 'garbage', emailPrefix: '' }))).to.equal(
      'INVALID_PAGE_TOKEN',
    );
  });

  it('pages newest first when asked, through every client exactly once', async () => {
    const w = world();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await registeredUser(w, `n${i}@example.com`)).client.id);
      w.clock.advance(1);
    }
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await w.useCases.administration.listClients(adminPrincipal(), { pageSize: 2, pageToken, emailPrefix: 'n', newestFirst: true });
      seen.push(...page.clients.map((client) => client.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen).to.deep.equal([...ids].reverse());
  });

  it('replaces groups keeping the base group, and answers CLIENT_NOT_FOUND for an unknown client', async () => {
    const w = world();
    const { client } = await registeredUser(w);
    const updated = await w.useCases.administration.setClientGroups(adminPrincipal(), { clientId: client.id, groups: ['admin'] });
    expect(updated.groups).to.deep.equal(['user', 'admin']);
    expect(await reasonOf(w.useCases.administration.getClient(adminPrincipal(), { clientId: '01900000-0000-7000-8000-00000000dead' }))).to.equal(
      'CLIENT_NOT_FOUND',
    );
  });
});
