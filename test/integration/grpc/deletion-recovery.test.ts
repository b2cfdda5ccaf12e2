/**
 * A DeleteClient interrupted between any two of its steps, on the real stores: before the
 * client is marked deleted nothing is announced and the client is intact; from the mark
 * on, recovery finishes the deletion and its request goes out exactly once.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { Deletion, type DeletionStep } from '../../../src/domain/clients/deletion.js';
import type { Principal } from '../../../src/domain/kernel/client.js';
import { silentLogger } from '../../../src/domain/kernel/logger.js';
import { eventually } from '../../support/eventually.js';
import { dbNameOf, failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

const PASSWORD = 'correct horse battery';
const STEPS: readonly DeletionStep[] = ['found', 'marked', 'queued', 'sessions-removed'];

class Crash extends Error {}

for (const setup of SETUPS)
  describe(`DeleteClient interrupted by a crash (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let counter = 0;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'deletion-recovery'));
      // The relay's periodic pass also finishes deletions; held here so each step is the test's doing.
      await server.app.relay.stop();
    });
    after(async () => server?.close());

    /** The deletion use case on the server's own stores, crashing after `crashAt`. */
    const crashingDeletion = (crashAt: DeletionStep) => {
      const { clients, sessions, outbox, secondFactors } = server.app.adapters;
      return new Deletion({
        clients,
        sessions,
        secondFactors,
        outbox,
        relay: server.app.relay,
        audit: server.app.audit,
        log: silentLogger,
        now: Date.now,
        afterStep: (step) => {
          if (step === crashAt) throw new Crash(`crashed after ${step}`);
        },
      });
    };

    const registerAndLogin = async () => {
      const email = `crash${++counter}.${Date.now()}@example.org`;
      await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      const session = await server.api.login({ email, password: PASSWORD });
      const who = await server.api.validateToken({ token: session.accessToken });
      const principal: Principal = {
        clientId: who.clientId,
        kind: 'user',
        groups: who.groups,
        sessionId: who.sessionId,
        expiresAt: who.expireTime!,
        amr: who.amr,
      };
      return { email, session, principal };
    };

    const deletionRequestsFor = async (clientId: string) =>
      (await server.app.adapters.outbox.list({ type: 'client.deletion_requested', limit: 500 })).filter((entry) => entry.clientId === clientId);

    const streamEntriesFor = async (clientId: string) => {
      if (setup !== 'shared') return null;
      const entries = await server.redis.xrange(server.config.deletionStream, '-', '+');
      return entries.filter(([, fields]) => fields.includes(clientId)).length;
    };

    it('announces nothing and leaves the client intact when it crashes before the client is marked deleted', async () => {
      const { email, session, principal } = await registerAndLogin();
      const error = await crashingDeletion('found')
        .deleteClient(principal, { clientId: '' })
        .catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(Crash);

      await server.app.useCases.deletion.finishPendingDeletions();
      expect(await server.app.relay.flush()).to.equal(true);
      expect(await deletionRequestsFor(principal.clientId)).to.deep.equal([]);
      expect(await streamEntriesFor(principal.clientId)).to.be.oneOf([0, null]);
      expect(await server.store.countClients({ email })).to.equal(1);
      expect((await server.api.getMe({}, { token: session.accessToken })).client!.email).to.equal(email);
      expect((await server.api.refreshToken({ refreshToken: session.refreshToken })).client!.id).to.equal(principal.clientId);
    });

    for (const crashAt of STEPS.slice(1)) {
      it(`finishes the deletion and announces it exactly once when it crashes after "${crashAt}"`, async () => {
        const { email, session, principal } = await registerAndLogin();
        const error = await crashingDeletion(crashAt)
          .deleteClient(principal, { clientId: '' })
          .catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(Crash);

        // Already gone to every use case, before recovery.
        expect(await failure(server.api.login({ email, password: PASSWORD }))).to.include({ reason: 'INVALID_CREDENTIALS' });
        expect(await failure(server.api.refreshToken({ refreshToken: session.refreshToken }))).to.include({ code: status.UNAUTHENTICATED });

        expect(await server.app.useCases.deletion.finishPendingDeletions()).to.equal(1);
        expect(await server.app.useCases.deletion.finishPendingDeletions()).to.equal(0);
        expect(await server.app.relay.flush()).to.equal(true);

        expect(await server.store.countClients({ email })).to.equal(0);
        expect(await server.app.adapters.sessions.findSession(principal.sessionId)).to.equal(null);
        const requests = await deletionRequestsFor(principal.clientId);
        expect(requests).to.have.length(1);
        expect(requests[0]).to.include({ by: principal.clientId });
        expect(requests[0]!.deliveredAt).to.be.instanceOf(Date);
        expect(await streamEntriesFor(principal.clientId)).to.be.oneOf([1, null]);
        expect(await failure(server.api.validateToken({ token: session.accessToken }))).to.include({ reason: 'CLIENT_DELETED' });
        // The email is free again once the record is removed.
        await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      });
    }

    it("is finished by the relay's periodic pass, without a restart", async () => {
      const { email, principal } = await registerAndLogin();
      await crashingDeletion('queued')
        .deleteClient(principal, { clientId: '' })
        .catch(() => undefined);
      server.app.relay.start(50, () => server.app.useCases.deletion.finishPendingDeletions());
      try {
        await eventually(() => server.store.countClients({ email }), { until: (count: number) => count === 0, what: 'the record removed' });
      } finally {
        await server.app.relay.stop();
      }
      expect(await server.store.countClients({ email })).to.equal(0);
      const requests = await deletionRequestsFor(principal.clientId);
      expect(requests).to.have.length(1);
      expect(requests[0]!.deliveredAt).to.be.instanceOf(Date);
    });

    if (setup === 'shared') {
      it('finishes an interrupted deletion when an instance starts', async function () {
        const { email, principal } = await registerAndLogin();
        await crashingDeletion('marked')
          .deleteClient(principal, { clientId: '' })
          .catch(() => undefined);
        const restarted = await startTestServer({ ...testEnv(requireServices(this), 'deletion-recovery-restart'), DB_NAME: dbNameOf(server.config) });
        try {
          expect(await server.store.countClients({ email })).to.equal(0);
          expect(await deletionRequestsFor(principal.clientId)).to.have.length(1);
        } finally {
          await restarted.close();
        }
      });
    }
  });
