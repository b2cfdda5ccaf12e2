import { expect } from 'chai';
import { adminPrincipal, LIFETIMES, PASSWORD, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('Registration (unit, with fakes)', () => {
  it('registers a user in the user group only, storing a hash and never returning it', async () => {
    const w = world();
    const client = await w.useCases.registration.registerUser({
      email: ' Ada@Example.COM ',
      password: PASSWORD,
      firstName: 'Ada',
      lastName: 'L',
      phoneNumber: '',
      attributes: { team: 'x' },
    });
    expect(client).to.include({ email: 'ada@example.com', kind: 'user', firstName: 'Ada' });
    expect(client.groups).to.deep.equal(['user']);
    expect(client).not.to.have.property('passwordHash');
    expect((await w.clients.findById(client.id))!.passwordHash).to.equal(`fake:10:${PASSWORD}`);
    expect(client.createdAt.getTime()).to.equal(w.clock.now());
  });

  it('takes a place in the hashing queue before its limit, gives it back, and is shed on arrival while hashing is saturated', async () => {
    const w = world();
    const input = (email: string) => ({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    await w.useCases.registration.registerUser(input('first@example.com'));
    expect([w.hasher.reservations, w.hasher.released]).to.deep.equal([1, 1]);
    w.hasher.busy = true;
    expect(await reasonOf(w.useCases.registration.registerUser(input('second@example.com')))).to.equal('SERVER_BUSY');
    expect(await w.clients.findByEmail('second@example.com')).to.equal(null);
    expect([w.hasher.reservations, w.hasher.released]).to.deep.equal([1, 1]);
  });

  it('refuses a taken email with EMAIL_TAKEN on the email field, and bad input with INVALID_ARGUMENT', async () => {
    const w = world();
    await registeredUser(w, 'taken@example.com');
    const input = { email: 'TAKEN@example.com', password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} };
    expect(await reasonOf(w.useCases.registration.registerUser(input))).to.equal('EMAIL_TAKEN');
    expect(await reasonOf(w.useCases.registration.registerUser({ ...input, email: 'new@example.com', password: 'short' }))).to.equal('INVALID_ARGUMENT');
    expect(w.clients.records.size).to.equal(1);
  });

  it('registers a service only for an admin, with the service group first and a secret shown once', async () => {
    const w = world();
    const { principal } = await registeredUser(w);
    expect(await reasonOf(w.useCases.registration.registerService(principal, { email: 's@example.com', name: 'svc', groups: [] }))).to.equal(
      'PERMISSION_DENIED',
    );
    const { client, clientSecret } = await w.useCases.registration.registerService(adminPrincipal(), {
      email: 's@example.com',
      name: 'svc',
      groups: ['billing'],
    });
    expect(client.groups).to.deep.equal(['service', 'billing']);
    const token = await w.useCases.serviceTokens.issueServiceToken({ clientId: client.id, clientSecret });
    expect(token.expiresAt.getTime()).to.equal(w.clock.now() + LIFETIMES.serviceToken * 1000);
  });
});
