import { expect } from 'chai';
import { adminPrincipal, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('AdminBootstrap (unit, with fakes)', () => {
  it('creates the admin once, in the user and admin groups', async () => {
    const w = world();
    const admin = await w.useCases.adminBootstrap.ensureAdmin('Root@example.com', 'admin password 1');
    expect(admin).to.include({ email: 'root@example.com', kind: 'user' });
    expect(admin.groups).to.deep.equal(['user', 'admin']);
    expect((await w.useCases.adminBootstrap.ensureAdmin('root@example.com', 'admin password 1')).id).to.equal(admin.id);
    expect(w.clients.records.size).to.equal(1);
  });

  it('brings an existing user up to date: adds the admin group and sets the configured password', async () => {
    const w = world();
    const { client, email } = await registeredUser(w);
    await w.useCases.adminBootstrap.ensureAdmin(email, 'the configured one');
    const stored = await w.clients.findById(client.id);
    expect(stored!.groups).to.deep.equal(['user', 'admin']);
    expect(stored!.passwordHash).to.equal('fake:10:the configured one');
  });

  it('re-hashes a password of a lower cost, and refuses an email that belongs to a service', async () => {
    const w = world();
    const admin = await w.useCases.adminBootstrap.ensureAdmin('root@example.com', 'admin password 1');
    w.hasher.cost = 12;
    await w.useCases.adminBootstrap.ensureAdmin('root@example.com', 'admin password 1');
    expect((await w.clients.findById(admin.id))!.passwordHash).to.equal('fake:12:admin password 1');
    await w.useCases.registration.registerService(adminPrincipal(admin.id), { email: 'svc@example.com', name: 'svc', groups: [] });
    expect(await reasonOf(w.useCases.adminBootstrap.ensureAdmin('svc@example.com', 'admin password 1'))).to.equal('INVALID_ARGUMENT');
  });
});
