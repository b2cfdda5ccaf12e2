import { expect } from 'chai';
import { adminPrincipal, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('ServiceTokens: IssueServiceToken (unit, with fakes)', () => {
  it('issues a token for the right id and secret, and INVALID_CREDENTIALS for a wrong secret, an unknown id or a user', async () => {
    const w = world();
    const { client, clientSecret } = await w.useCases.registration.registerService(adminPrincipal(), { email: 's@example.com', name: 'svc', groups: [] });
    const issued = await w.useCases.serviceTokens.issueServiceToken({ clientId: client.id, clientSecret });
    expect(await w.tokens.verify(issued.token)).to.include({ clientId: client.id, kind: 'service' });
    const { client: user } = await registeredUser(w);
    for (const input of [
      { clientId: client.id, clientSecret: 'wrong' },
      { clientId: '01900000-0000-7000-8000-00000000dead', clientSecret },
      { clientId: 'not an id', clientSecret },
      { clientId: user.id, clientSecret },
    ]) {
      expect(await reasonOf(w.useCases.serviceTokens.issueServiceToken(input))).to.equal('INVALID_CREDENTIALS');
    }
    expect(await reasonOf(w.useCases.serviceTokens.issueServiceToken({ clientId: '', clientSecret }))).to.equal('INVALID_ARGUMENT');
  });

  it('refuses a suspended service with CLIENT_SUSPENDED', async () => {
    const w = world();
    const { client, clientSecret } = await w.useCases.registration.registerService(adminPrincipal(), { email: 's@example.com', name: 'svc', groups: [] });
    await w.clients.update(client.id, { suspended: true });
    expect(await reasonOf(w.useCases.serviceTokens.issueServiceToken({ clientId: client.id, clientSecret }))).to.equal('CLIENT_SUSPENDED');
  });

  it('records when a service last obtained a token, writing its record at most once a minute', async () => {
    const w = world();
    const { client, clientSecret } = await w.useCases.registration.registerService(adminPrincipal(), { email: 's@example.com', name: 'svc', groups: [] });
    const stored = async () => (await w.clients.findById(client.id))!.lastTokenIssuedAt;
    expect(await stored()).to.equal(null);
    let writes = 0;
    const record = w.clients.recordTokenIssue.bind(w.clients);
    w.clients.recordTokenIssue = (...args) => {
      writes++;
      return record(...args);
    };
    const issue = () => w.useCases.serviceTokens.issueServiceToken({ clientId: client.id, clientSecret });
    const first = w.clock.now();
    await issue();
    expect(await stored()).to.deep.equal(new Date(first));
    w.clock.advance(30_000);
    await issue();
    await issue();
    expect(writes).to.equal(1);
    expect(await stored()).to.deep.equal(new Date(first));
    w.clock.advance(31_000);
    await issue();
    expect(writes).to.equal(2);
    expect(await stored()).to.deep.equal(new Date(first + 61_000));
    // A refused exchange is no issue.
    w.clock.advance(120_000);
    expect(await reasonOf(w.useCases.serviceTokens.issueServiceToken({ clientId: client.id, clientSecret: 'wrong' }))).to.equal('INVALID_CREDENTIALS');
    expect(await stored()).to.deep.equal(new Date(first + 61_000));
  });
});
