import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { freshEmail, PASSWORD, registerUser } from '../../support/attacks.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { endingOf, openWatchStream, suspensionOf, type WatchStream } from '../../support/watch-stream.js';

const ROOT = { email: 'demotion-root@example.com', password: 'the root admin password' };

for (const setup of SETUPS)
  describe(`A demotion ends the demoted admin's rights at once (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    /** Two instances on one set of stores on 'shared'; the embedded set-up serves one. */
    let instances: TestServer[];

    before(async function () {
      const env = setupEnv(setup, this, 'demotion', { ADMIN_EMAIL: ROOT.email, ADMIN_PASSWORD: ROOT.password });
      const first = await startTestServer(env);
      instances = setup === 'shared' ? [first, await startTestServer(env)] : [first];
    });
    after(async () => {
      for (const instance of instances ?? []) await instance.close();
    });

    it('refuses the old token on SuspendClient on every instance, with nothing changed, and ends its sessions', async () => {
      const [first] = instances;
      const rootToken = (await first!.api.login(ROOT)).accessToken;
      const deputy = await registerUser(first!.api, freshEmail('deputy'));
      await first!.api.setClientGroups({ clientId: deputy.id, groups: ['admin'] }, { token: rootToken });
      const deputyToken = (await first!.api.login({ email: deputy.email, password: PASSWORD })).accessToken;
      const target = await registerUser(first!.api, freshEmail('target'));
      for (const instance of instances) {
        expect((await instance.api.getClient({ clientId: target.id }, { token: deputyToken })).client!.id).to.equal(target.id);
      }

      await first!.api.setClientGroups({ clientId: deputy.id, groups: [] }, { token: rootToken });
      for (const instance of instances) {
        const refused = await failure(instance.api.suspendClient({ clientId: target.id, reason: 'demoted admin' }, { token: deputyToken }));
        expect([status.PERMISSION_DENIED, status.UNAUTHENTICATED]).to.include(refused.code);
      }
      expect((await first!.store.client(target.id))!.suspended).to.equal(false);
      // Gateways asking ValidateToken learn of it through the revocation list, within 100 ms on every instance.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const instance of instances) {
        expect(await failure(instance.api.validateToken({ token: deputyToken }))).to.include({ reason: 'SESSION_REVOKED' });
      }
    });

    it("ends the demoted admin's WatchRevocations streams on every instance with UNAUTHENTICATED, before they deliver another change", async () => {
      const [first] = instances;
      const rootToken = (await first!.api.login(ROOT)).accessToken;
      const deputy = await registerUser(first!.api, freshEmail('watching-deputy'));
      await first!.api.setClientGroups({ clientId: deputy.id, groups: ['admin'] }, { token: rootToken });
      const deputyToken = (await first!.api.login({ email: deputy.email, password: PASSWORD })).accessToken;
      const streams: WatchStream[] = [];
      for (const instance of instances) {
        const stream = openWatchStream(instance.api, deputyToken);
        await stream.next((message) => message.message?.$case === 'snapshot');
        streams.push(stream);
      }

      await first!.api.setClientGroups({ clientId: deputy.id, groups: [] }, { token: rootToken });
      // Made after the demotion: a stream still open would deliver it, with the client id it names.
      const bystander = await registerUser(first!.api, freshEmail('bystander'));
      await first!.api.suspendClient({ clientId: bystander.id, reason: 'after the demotion' }, { token: rootToken });
      for (const stream of streams) {
        expect(await endingOf(stream, suspensionOf(bystander.id))).to.deep.equal({ code: status.UNAUTHENTICATED, reason: 'SESSION_REVOKED' });
      }
    });

    it('ends the sessions of a promoted client too, so no token carries stale groups', async () => {
      const [first] = instances;
      const rootToken = (await first!.api.login(ROOT)).accessToken;
      const member = await registerUser(first!.api, freshEmail('member'));
      const memberToken = (await first!.api.login({ email: member.email, password: PASSWORD })).accessToken;
      await first!.api.setClientGroups({ clientId: member.id, groups: ['billing'] }, { token: rootToken });
      expect(await failure(first!.api.validateToken({ token: memberToken }))).to.include({ reason: 'SESSION_REVOKED' });
      const fresh = (await first!.api.login({ email: member.email, password: PASSWORD })).accessToken;
      expect((await first!.api.validateToken({ token: fresh })).groups).to.have.members(['user', 'billing']);
    });
  });
