import { type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import type { WatchRevocationsResponse } from '../../../gen/clientauth/v1/revocation_feed.js';
import { errorDetailOf } from '../../../src/sdk/error-details.js';
import { RevocationWatcher } from '../../../src/sdk/revocation-watcher.js';
import { freshEmail, PASSWORD, registerUser } from '../../support/attacks.js';
import { eventually } from '../../support/eventually.js';
import { claimsOf, headerOf, hmacToken } from '../../support/jws.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, TEST_SECRET, type TestServer } from '../../support/server.js';
import { endingOf, openWatchStream, refusalOf, suspensionOf, type WatchStream } from '../../support/watch-stream.js';

const ROOT = { email: 'watch-caller-root@example.com', password: 'the root admin password' };

/** Opens a stream and waits for its snapshot: from then on it is open. */
async function openedStream(server: TestServer, token: string): Promise<WatchStream> {
  const stream = openWatchStream(server.api, token);
  await stream.next((message) => message.message?.$case === 'snapshot');
  return stream;
}

for (const setup of SETUPS)
  describe(`WatchRevocations ends a stream when its caller loses the right to it (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let rootToken: string;

    before(async function () {
      server = await startTestServer(
        setupEnv(setup, this, 'watch_caller', { ADMIN_EMAIL: ROOT.email, ADMIN_PASSWORD: ROOT.password, WATCH_HEARTBEAT_SEC: '1' }),
      );
      rootToken = (await server.api.login(ROOT)).accessToken;
    });
    after(async () => server?.close());

    /** A second admin, so the root admin's token stays good for the other tests. */
    const deputy = async () => {
      const { id, email } = await registerUser(server.api, freshEmail('deputy'));
      await server.api.setClientGroups({ clientId: id, groups: ['admin'] }, { token: rootToken });
      return { id, token: (await server.api.login({ email, password: PASSWORD })).accessToken };
    };
    /** Suspends a bystander after the change under test: a stream still open delivers that suspension. */
    const afterwards = async () => {
      const { id } = await registerUser(server.api, freshEmail('bystander'));
      await server.api.suspendClient({ clientId: id, reason: 'made after the change under test' }, { token: rootToken });
      return suspensionOf(id);
    };
    const gatewayService = async () => {
      const { client, clientSecret } = await server.api.registerService(
        { email: freshEmail('gw'), name: 'gateway', groups: ['gateway'] },
        { token: rootToken },
      );
      return { id: client!.id, token: (await server.api.issueServiceToken({ clientId: client!.id, clientSecret })).accessToken };
    };

    it("ends a demoted admin's stream with UNAUTHENTICATED (its session is revoked), and refuses that token a new one", async () => {
      const admin = await deputy();
      const stream = await openedStream(server, admin.token);
      await server.api.setClientGroups({ clientId: admin.id, groups: [] }, { token: rootToken });
      expect(await endingOf(stream, await afterwards())).to.deep.equal({ code: status.UNAUTHENTICATED, reason: 'SESSION_REVOKED' });
      expect((await refusalOf(openWatchStream(server.api, admin.token))).code).to.equal(status.UNAUTHENTICATED);
    });

    it("ends an admin's stream with UNAUTHENTICATED SESSION_REVOKED when the admin logs out", async () => {
      const admin = await deputy();
      const stream = await openedStream(server, admin.token);
      await server.api.logout({}, { token: admin.token });
      expect(await endingOf(stream, await afterwards())).to.deep.equal({ code: status.UNAUTHENTICATED, reason: 'SESSION_REVOKED' });
    });

    it("ends a gateway service's stream with UNAUTHENTICATED CLIENT_SUSPENDED when it is suspended, and CLIENT_DELETED when deleted", async () => {
      const suspended = await gatewayService();
      const deleted = await gatewayService();
      const suspendedStream = await openedStream(server, suspended.token);
      const deletedStream = await openedStream(server, deleted.token);
      await server.api.suspendClient({ clientId: suspended.id, reason: 'a gateway gone rogue' }, { token: rootToken });
      expect(await endingOf(suspendedStream, await afterwards())).to.deep.equal({ code: status.UNAUTHENTICATED, reason: 'CLIENT_SUSPENDED' });
      await server.api.deleteClient({ clientId: deleted.id }, { token: rootToken });
      expect(await endingOf(deletedStream, await afterwards())).to.deep.equal({ code: status.UNAUTHENTICATED, reason: 'CLIENT_DELETED' });
    });

    it('ends the stream of a service taken out of the group "gateway" with PERMISSION_DENIED, and refuses its token, which still names the group, a new one', async () => {
      const service = await gatewayService();
      const stream = await openedStream(server, service.token);
      await server.api.setClientGroups({ clientId: service.id, groups: ['billing'] }, { token: rootToken });
      expect(await endingOf(stream, await afterwards())).to.deep.equal({ code: status.PERMISSION_DENIED, reason: 'PERMISSION_DENIED' });
      expect(claimsOf(service.token)['groups']).to.include('gateway');
      const refused = await refusalOf(openWatchStream(server.api, service.token));
      expect({ code: refused.code, reason: errorDetailOf(refused)?.reason }).to.deep.equal({ code: status.PERMISSION_DENIED, reason: 'PERMISSION_DENIED' });
    });

    it('ends a stream with UNAUTHENTICATED TOKEN_EXPIRED when its token expires', async () => {
      const admin = await deputy();
      const exp = Math.floor(Date.now() / 1000) + 2;
      // The same claims, signed as the service signs them (HS256 with JWT_SECRET_KEY here), expiring in two seconds.
      const shortLived = hmacToken(headerOf(admin.token), { ...claimsOf(admin.token), exp }, TEST_SECRET);
      const stream = await openedStream(server, shortLived);
      const heartbeatPastExpiry = (message: WatchRevocationsResponse) =>
        message.message?.$case === 'heartbeat' && (message.message.value.time?.getTime() ?? 0) > (exp + 1) * 1000;
      expect(await endingOf(stream, heartbeatPastExpiry)).to.deep.equal({ code: status.UNAUTHENTICATED, reason: 'TOKEN_EXPIRED' });
    });

    it("lets the package's RevocationWatcher, given a function for its token, resume past its token's expiry with a new one, and see what follows", async () => {
      const admin = await deputy();
      const shortLived = hmacToken(headerOf(admin.token), { ...claimsOf(admin.token), exp: Math.floor(Date.now() / 1000) + 2 }, TEST_SECRET);
      const given: string[] = [];
      const errors: ServiceError[] = [];
      const watcher = new RevocationWatcher(server.api, {
        // The first connection gets the token about to expire, the next ones a fresh one.
        token: () => {
          given.push(given.length === 0 ? shortLived : admin.token);
          return given[given.length - 1]!;
        },
        retryMs: 100,
        onError: (error) => errors.push(error as ServiceError),
      });
      try {
        await watcher.start();
        await eventually(() => given.length === 2, { what: 'the watcher to reconnect with a new token' });
        expect({ code: errors[0]?.code, reason: errorDetailOf(errors[0]!)?.reason }).to.deep.equal({ code: status.UNAUTHENTICATED, reason: 'TOKEN_EXPIRED' });
        const target = await registerUser(server.api, freshEmail('after-expiry'));
        await server.api.suspendClient({ clientId: target.id, reason: 'after the expiry' }, { token: rootToken });
        await eventually(() => watcher.revoked({ sub: target.id }), { what: 'the suspension to reach the resumed watcher' });
      } finally {
        watcher.stop();
      }
    });

    it("keeps the stream of a gateway whose own client is not concerned: others' suspensions, logouts and group changes reach it", async () => {
      const gateway = await gatewayService();
      const stream = await openedStream(server, gateway.token);
      const other = await registerUser(server.api, freshEmail('other'));
      await server.api.suspendClient({ clientId: other.id, reason: 'someone else' }, { token: rootToken });
      await server.api.setClientGroups({ clientId: other.id, groups: ['billing'] }, { token: rootToken });
      await stream.next(
        (message) => message.message?.$case === 'event' && message.message.value.clientId === other.id && message.message.value.groups.length > 0,
      );
      stream.call.cancel();
      expect((await stream.ended)?.code).to.equal(status.CANCELLED);
    });
  });
