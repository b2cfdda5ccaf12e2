import { expect } from 'chai';
import type { DeletionStep } from '../../../src/domain/clients/deletion.js';
import { adminPrincipal, reasonOf, registeredUser, world } from '../fakes/world.js';

describe('Deletion: DeleteClient (unit, with fakes)', () => {
  it('removes the client and its sessions and queues one deletion request, delivered at once', async () => {
    const w = world();
    const { client, principal } = await registeredUser(w);
    const request = await w.useCases.deletion.deleteClient(principal, { clientId: '' });
    expect(request).to.deep.include({ clientId: client.id, kind: 'user', requestedBy: client.id });
    expect(request.deliveredAt).to.be.instanceOf(Date);
    expect(w.clients.records.size).to.equal(0);
    expect(w.sessions.sessions.size).to.equal(0);
    expect(w.outbox.entries.map((entry) => [entry.type, entry.clientId])).to.deep.equal([['client.deletion_requested', client.id]]);
  });

  it('lets only an admin delete another client, and answers CLIENT_NOT_FOUND the second time', async () => {
    const w = world();
    const victim = await registeredUser(w);
    const other = await registeredUser(w);
    expect(await reasonOf(w.useCases.deletion.deleteClient(other.principal, { clientId: victim.client.id }))).to.equal('PERMISSION_DENIED');
    await w.useCases.deletion.deleteClient(adminPrincipal(), { clientId: victim.client.id });
    expect(await reasonOf(w.useCases.deletion.deleteClient(adminPrincipal(), { clientId: victim.client.id }))).to.equal('CLIENT_NOT_FOUND');
  });

  const steps: DeletionStep[] = ['found', 'marked', 'queued', 'sessions-removed'];
  for (const crashAt of steps) {
    it(`after a crash following "${crashAt}", ${crashAt === 'found' ? 'has announced nothing and kept the client' : 'recovery finishes it and it is announced once'}`, async () => {
      let crashing = true;
      const w = world({
        afterDeletionStep: (step) => {
          if (crashing && step === crashAt) throw new Error('crash');
        },
      });
      const { client, principal } = await registeredUser(w);
      await w.useCases.deletion.deleteClient(principal, { clientId: '' }).catch(() => undefined);
      crashing = false;
      const finished = await w.useCases.deletion.finishPendingDeletions();
      if (crashAt === 'found') {
        expect(finished).to.equal(0);
        expect(w.outbox.entries).to.deep.equal([]);
        expect(await w.clients.findById(client.id)).to.not.equal(null);
        return;
      }
      expect(finished).to.equal(1);
      expect(await w.useCases.deletion.finishPendingDeletions()).to.equal(0);
      expect(w.clients.records.size).to.equal(0);
      expect(w.sessions.sessions.size).to.equal(0);
      expect(w.outbox.entries.filter((entry) => entry.clientId === client.id)).to.have.length(1);
    });
  }

  it('logs a recovery that cannot reach its stores once, and finishes on a later pass', async () => {
    const w = world({
      afterDeletionStep: (step) => {
        if (step === 'marked') throw new Error('crash');
      },
    });
    const { principal } = await registeredUser(w);
    await w.useCases.deletion.deleteClient(principal, { clientId: '' }).catch(() => undefined);
    const list = w.clients.listMarkedDeleted.bind(w.clients);
    w.clients.listMarkedDeleted = async () => {
      throw new Error('store down');
    };
    await w.useCases.deletion.finishPendingDeletions();
    await w.useCases.deletion.finishPendingDeletions();
    expect(w.logs.filter((line) => line.startsWith('interrupted deletions cannot be finished'))).to.have.length(1);
    w.clients.listMarkedDeleted = list;
    expect(await w.useCases.deletion.finishPendingDeletions()).to.equal(1);
  });
});
