/**
 * The Redis revocation list through real faults of its links: a connection that comes back
 * to another server (a promoted replica), and a Redis that was only unreachable while a
 * change could not be written. Each fault is injected for real (redis-server processes,
 * a TCP proxy that drops every connection or leads elsewhere); what is asserted is what a
 * token check would be told.
 */
import { expect } from 'chai';
import { connectRedis } from '../../src/adapters/redis/redis-connect.js';
import { DEFAULT_KEYS, type RedisRevocationKeys, RedisRevocationList } from '../../src/adapters/redis/revocation-list.js';
import type { RedisClient } from '../../src/adapters/redis/topology.js';
import { UnavailableError } from '../../src/domain/kernel/errors.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { silentLogger } from '../../src/domain/kernel/logger.js';
import { eventually } from '../support/eventually.js';
import { type RedisReplicaPair, redisTools, startRedisReplicaPair } from '../support/redis-topologies.js';
import { requireServices } from '../support/services.js';
import { skipOrFailInCI } from '../support/skip-or-fail.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { uniqueName } from './backends.js';

const MINUTE = 60_000;

function uniqueKeys(): RedisRevocationKeys {
  const tag = uniqueName('faults');
  return {
    clientKeyPrefix: `${tag}:`,
    sessionKeyPrefix: `${tag}:${DEFAULT_KEYS.sessionKeyPrefix}`,
    indexKey: `${tag}:index`,
    syncChannel: `${tag}:sync`,
    markerKey: `${tag}:refilled`,
  };
}

/** A connection as the service opens it, to whatever `address` leads to. */
function open(address: string, subscriber = false): Promise<RedisClient> {
  return connectRedis({ kind: 'standalone', url: `redis://${address}` }, 5000, silentLogger, 'fault test', { subscriber });
}

/** What a call answers, as a word: the reason `status` gives, "null", or UNAVAILABLE when it fails closed. */
function outcome(status: Promise<unknown>): Promise<string> {
  return status.then(String, (error: unknown) => (error instanceof UnavailableError ? 'UNAVAILABLE' : `failed: ${String(error)}`));
}

describe('RevocationList on Redis, through faults of its links', function () {
  this.timeout(60_000);
  const closers: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  describe('a connection that comes back to a promoted replica', () => {
    let pair: RedisReplicaPair | undefined;
    before(async function () {
      this.timeout(60_000);
      const tools = redisTools();
      if (typeof tools === 'string') skipOrFailInCI(this, tools);
      pair = await startRedisReplicaPair(tools);
    });
    after(async () => pair?.stop());

    it('fails closed from the reconnection until it has proved the server the same or refilled it, never answering from the older copy', async () => {
      const primary = { host: '127.0.0.1', port: pair!.primary.port };
      const commandsLink = await startTcpProxy(primary);
      const subscriberLink = await startTcpProxy(primary);
      closers.push(
        () => commandsLink.close(),
        () => subscriberLink.close(),
      );
      const redis = await open(commandsLink.address);
      const subscriber = await open(subscriberLink.address, true);
      closers.push(
        () => redis.disconnect(),
        () => subscriber.disconnect(),
      );
      const keys = uniqueKeys();
      const list = await RedisRevocationList.start(redis, subscriber, keys, silentLogger);
      closers.push(() => list.close());
      // The stores: what a refill puts back.
      const suspendedInStore = new Set<string>();
      await list.refillWith(async () => {
        for (const id of suspendedInStore) await list.suspendClient(id);
      });

      await pair!.caughtUp();
      await pair!.promote();
      // Made once the replica had stopped copying: only the old master has it, as with a
      // write the failover lost (here, one the relay delivered just before the master died).
      const client = newId();
      suspendedInStore.add(client);
      await list.suspendClient(client);
      expect(await list.status(client, newId())).to.equal('CLIENT_SUSPENDED');

      // The subscription stays down (the instance then reads Redis on every check), and the
      // commands connection comes back to the promoted replica, which has the refill marker.
      await subscriberLink.cut();
      await commandsLink.cut();
      await eventually(() => !list.isSynced(), { what: 'the instance to notice its subscription is down' });
      commandsLink.retarget({ host: '127.0.0.1', port: pair!.replica.port });
      await commandsLink.restore();

      const seen = new Set<string>();
      await eventually(
        async () => {
          const answer = await outcome(list.status(client, newId()));
          seen.add(answer);
          return answer;
        },
        { until: (answer: string) => answer === 'CLIENT_SUSPENDED', timeoutMs: 20_000, intervalMs: 2, what: 'the suspension to be refused again' },
      );
      expect([...seen].sort()).to.deep.equal(['CLIENT_SUSPENDED', 'UNAVAILABLE']);
      // Put back on the promoted replica, where the gateway's `GET <id>` now reads.
      const replica = await open(`127.0.0.1:${pair!.replica.port}`);
      closers.push(() => replica.disconnect());
      expect(await replica.get(`${keys.clientKeyPrefix}${client}`)).to.equal('suspended');
    });
  });

  describe('a Redis that was only unreachable', () => {
    let link: TcpProxy;
    let redisAddress: { host: string; port: number };
    before(function () {
      const url = new URL(requireServices(this).redisUrl);
      redisAddress = { host: url.hostname, port: Number(url.port) };
    });

    /** An instance whose connections both go through `address`; the refill puts back what `store` holds, from `since` on when given. */
    const startInstance = async (address: string, keys: RedisRevocationKeys, store: Array<{ session: string; at: number; until: number }>) => {
      const redis = await open(address);
      const subscriber = await open(address, true);
      const list = await RedisRevocationList.start(redis, subscriber, keys, silentLogger);
      closers.push(
        () => redis.disconnect(),
        () => subscriber.disconnect(),
        () => list.close(),
      );
      const asked: Array<number | undefined> = [];
      await list.refillWith(async (since?: number) => {
        asked.push(since);
        for (const entry of store) if (since === undefined || entry.at >= since) await list.revokeSession(entry.session, entry.until);
      });
      return { list, asked };
    };

    it('answers from memory again once both its connections are back, though its subscription came back first', async () => {
      const commandsLink = await startTcpProxy(redisAddress);
      const subscriberLink = await startTcpProxy(redisAddress);
      closers.push(
        () => commandsLink.close(),
        () => subscriberLink.close(),
      );
      const redis = await open(commandsLink.address);
      const subscriber = await open(subscriberLink.address, true);
      const list = await RedisRevocationList.start(redis, subscriber, uniqueKeys(), silentLogger);
      closers.push(
        () => redis.disconnect(),
        () => subscriber.disconnect(),
        () => list.close(),
      );
      await list.refillWith(async () => {});
      const client = newId();
      await list.suspendClient(client);

      await commandsLink.cut();
      await subscriberLink.cut();
      await eventually(() => !list.isSynced(), { what: 'the instance to notice its subscription is down' });
      // The subscription is back while commands still fail: loading the list fails with them.
      await subscriberLink.restore();
      await eventually(() => subscriber.status === 'ready', { timeoutMs: 10_000, what: 'the subscription to be back' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await commandsLink.restore();

      await eventually(() => list.isSynced(), { timeoutMs: 10_000, what: 'the instance to load the list again' });
      expect(list.snapshot().suspended.map((entry) => entry.id)).to.deep.equal([client]);
    });

    it('puts back, before it answers again, a revocation the stores hold but Redis never heard of; another instance hears of it too', async () => {
      link = await startTcpProxy(redisAddress);
      closers.push(() => link.close());
      const keys = uniqueKeys();
      const store: Array<{ session: string; at: number; until: number }> = [];
      const cut = await startInstance(link.address, keys, store);
      const other = await startInstance(`${redisAddress.host}:${redisAddress.port}`, keys, store);

      await link.cut();
      await eventually(() => !cut.list.isSynced(), { what: 'the instance to notice Redis is unreachable' });
      // A logout: the store records it, then the list cannot be told (the call fails, and the client may never retry).
      const session = newId();
      const at = Date.now();
      store.push({ session, at, until: at + MINUTE });
      expect(await outcome(cut.list.revokeSession(session, at + MINUTE))).to.equal('UNAVAILABLE');
      await link.restore();

      const seen = new Set<string>();
      await eventually(
        async () => {
          const answer = await outcome(cut.list.status(newId(), session));
          seen.add(answer);
          return cut.list.isSynced() && answer !== 'UNAVAILABLE';
        },
        { timeoutMs: 20_000, intervalMs: 2, what: () => `the instance to answer from memory again (seen: ${[...seen].join(', ')})` },
      );
      expect([...seen].sort()).to.deep.equal(['SESSION_REVOKED', 'UNAVAILABLE']);
      // It asked the stores only for what changed from before the outage on, not for everything.
      expect(cut.asked.at(-1)).to.be.a('number').and.at.most(at);
      expect(await eventually(() => outcome(other.list.status(newId(), session)), { until: (answer: string) => answer === 'SESSION_REVOKED' })).to.equal(
        'SESSION_REVOKED',
      );
    });
  });
});
