/** The RevocationList port's guarantees, asserted against every adapter. */
import { expect } from 'chai';
import { MemoryRevocationList } from '../../src/adapters/embedded/memory-revocation-list.js';
import { SqliteRevocationPersistence } from '../../src/adapters/embedded/sqlite-revocation-persistence.js';
import { DEFAULT_KEYS, type RedisRevocationKeys, RedisRevocationList } from '../../src/adapters/redis/revocation-list.js';
import type { RedisClient } from '../../src/adapters/redis/topology.js';
import { UnavailableError } from '../../src/domain/kernel/errors.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { silentLogger } from '../../src/domain/kernel/logger.js';
import type { RevocationList, RevocationStatus } from '../../src/domain/revocation/ports.js';
import { eventually } from '../support/eventually.js';
import { manualClock, type OpenRedis, openSqlite, redisClusterConnections, redisConnections, uniqueName } from './backends.js';

type Clock = ReturnType<typeof manualClock>;
type OpenRevocationList = (clock: Clock) => Promise<{ list: RevocationList; close(): Promise<void> }>;

const MINUTE = 60_000;

function revocationListContract(open: OpenRevocationList): void {
  let clock: Clock;
  let list: RevocationList;
  let close: () => Promise<void>;
  beforeEach(async () => {
    clock = manualClock();
    ({ list, close } = await open(clock));
  });
  afterEach(async () => close?.());

  it('lists nobody it was not told about', async () => {
    expect(await list.status(newId(), newId())).to.equal(null);
    expect(list.size()).to.deep.equal({ suspended: 0, deleted: 0, sessions: 0 });
  });

  it('refuses every session of a suspended client with CLIENT_SUSPENDED until the client is reinstated', async () => {
    const client = newId();
    await list.suspendClient(client);
    expect(await list.status(client, newId())).to.equal('CLIENT_SUSPENDED');
    expect(await list.status(client, newId())).to.equal('CLIENT_SUSPENDED');
    expect(await list.status(newId(), newId())).to.equal(null);
    clock.advance(365 * 24 * 60 * MINUTE);
    expect(await list.status(client, newId())).to.equal('CLIENT_SUSPENDED');
    await list.reinstateClient(client);
    expect(await list.status(client, newId())).to.equal(null);
  });

  it('takes a repeated suspension or reinstatement as one', async () => {
    const client = newId();
    await list.suspendClient(client);
    await list.suspendClient(client);
    await list.reinstateClient(client);
    expect(await list.status(client, newId())).to.equal(null);
    await list.reinstateClient(client);
    await list.reinstateClient(newId());
    expect(await list.status(client, newId())).to.equal(null);
  });

  it('lists a deleted client until `until`; reinstating does not lift the deletion', async () => {
    const client = newId();
    await list.markClientDeleted(client, clock.now() + MINUTE);
    expect(await list.status(client, newId())).to.equal('CLIENT_DELETED');
    await list.reinstateClient(client);
    expect(await list.status(client, newId())).to.equal('CLIENT_DELETED');
    clock.advance(MINUTE - 1);
    expect(await list.status(client, newId())).to.equal('CLIENT_DELETED');
    clock.advance(1);
    expect(await list.status(client, newId())).to.equal(null);
  });

  it('lets a deletion replace a suspension, and a later reinstatement leaves it in place', async () => {
    const client = newId();
    await list.suspendClient(client);
    await list.markClientDeleted(client, clock.now() + MINUTE);
    expect(await list.status(client, newId())).to.equal('CLIENT_DELETED');
    await list.reinstateClient(client);
    expect(await list.status(client, newId())).to.equal('CLIENT_DELETED');
  });

  it('refuses a revoked session until `until`, and no other session of its client', async () => {
    const client = newId();
    const session = newId();
    await list.revokeSession(session, clock.now() + MINUTE);
    await list.revokeSession(session, clock.now() + MINUTE);
    expect(await list.status(client, session)).to.equal('SESSION_REVOKED');
    expect(await list.status(client, newId())).to.equal(null);
    clock.advance(MINUTE);
    expect(await list.status(client, session)).to.equal(null);
  });

  it("names the client's state before the session's when both are listed", async () => {
    const client = newId();
    const session = newId();
    await list.revokeSession(session, clock.now() + MINUTE);
    await list.suspendClient(client);
    expect(await list.status(client, session)).to.equal('CLIENT_SUSPENDED');
  });

  it('refuses nothing for a deletion or a session revocation whose time has already passed', async () => {
    const client = newId();
    const session = newId();
    await list.markClientDeleted(client, clock.now() - 1);
    await list.revokeSession(session, clock.now());
    expect(await list.status(client, session)).to.equal(null);
  });

  it('reports how many clients and sessions it holds', async () => {
    await list.suspendClient(newId());
    await list.markClientDeleted(newId(), clock.now() + MINUTE);
    await list.revokeSession(newId(), clock.now() + MINUTE);
    expect(list.size()).to.deep.equal({ suspended: 1, deleted: 1, sessions: 1 });
  });
}

/** Polls `check` for up to a second until it gives `expected`. */
function statusBecomes(check: () => Promise<RevocationStatus>, expected: RevocationStatus): Promise<RevocationStatus> {
  return eventually(check, { until: (value: RevocationStatus) => value === expected, timeoutMs: 1000, intervalMs: 10, what: `status ${expected}` });
}

describe('RevocationList contract', () => {
  describe('in process (memory only)', () => {
    revocationListContract(async (clock) => {
      const list = new MemoryRevocationList({ now: clock.now });
      return { list, close: () => list.close() };
    });
  });

  describe('in process, kept in SQLite (embedded)', () => {
    revocationListContract(async (clock) => {
      const sqlite = await openSqlite();
      const list = new MemoryRevocationList({ persistence: new SqliteRevocationPersistence(sqlite.db), now: clock.now });
      return {
        list,
        close: async () => {
          await list.close();
          await sqlite.close();
        },
      };
    });

    it('still refuses after a restart what was listed before it, and forgets what has expired', async () => {
      const sqlite = await openSqlite();
      const clock = manualClock();
      const reopen = () => new MemoryRevocationList({ persistence: new SqliteRevocationPersistence(sqlite.reopen()), now: clock.now });
      try {
        const [suspended, deleted, reinstated, session] = [newId(), newId(), newId(), newId()];
        const before = reopen();
        await before.suspendClient(suspended);
        await before.markClientDeleted(deleted, clock.now() + MINUTE);
        await before.suspendClient(reinstated);
        await before.reinstateClient(reinstated);
        await before.revokeSession(session, clock.now() + MINUTE);
        await before.close();

        const after = reopen();
        expect(await after.status(suspended, newId())).to.equal('CLIENT_SUSPENDED');
        expect(await after.status(deleted, newId())).to.equal('CLIENT_DELETED');
        expect(await after.status(reinstated, newId())).to.equal(null);
        expect(await after.status(newId(), session)).to.equal('SESSION_REVOKED');
        await after.close();

        clock.advance(MINUTE);
        const muchLater = reopen();
        expect(muchLater.size()).to.deep.equal({ suspended: 1, deleted: 0, sessions: 0 });
        expect(await muchLater.status(suspended, newId())).to.equal('CLIENT_SUSPENDED');
        await muchLater.close();
      } finally {
        await sqlite.close();
      }
    });
  });

  describe('on Redis', () => {
    redisRevocationListSuite(redisConnections());
  });

  describe('on a Redis Cluster of 3 masters (sharded pub/sub)', function () {
    this.timeout(30000);
    redisRevocationListSuite(redisClusterConnections());
  });
});

/** The contract, and what only the Redis adapter promises (instances in sync, the gateway key, refills), on one kind of Redis. */
function redisRevocationListSuite(connect: OpenRedis): void {
  /** Starts an instance on `keys` with connections of its own, as another process would. */
  const startInstance = async (keys: RedisRevocationKeys, clock?: Clock) => {
    const redis = await connect();
    const subscriber = await connect({ subscriber: true });
    const list = await RedisRevocationList.start(redis, subscriber, keys, silentLogger, clock?.now);
    await list.refillWith(async () => {});
    return {
      list,
      redis,
      close: async () => {
        await list.close();
        redis.disconnect();
        subscriber.disconnect();
      },
    };
  };
  const uniqueKeys = (): RedisRevocationKeys => {
    const tag = uniqueName('revocations');
    return {
      clientKeyPrefix: `${tag}:`,
      sessionKeyPrefix: `${tag}:${DEFAULT_KEYS.sessionKeyPrefix}`,
      indexKey: `${tag}:index`,
      syncChannel: `${tag}:sync`,
      markerKey: `${tag}:refilled`,
    };
  };

  revocationListContract((clock) => startInstance(uniqueKeys(), clock));

  describe('shared by several instances', () => {
    let keys: RedisRevocationKeys;
    let instances: Array<{ list: RedisRevocationList; redis: RedisClient; close(): Promise<void> }>;
    beforeEach(async () => {
      keys = uniqueKeys();
      instances = [await startInstance(keys), await startInstance(keys)];
    });
    afterEach(async () => {
      for (const instance of instances) await instance.close();
    });

    it('shows a change made through one instance to another within a second, in memory', async () => {
      const [first, second] = instances as [(typeof instances)[0], (typeof instances)[0]];
      const [client, deleted, session] = [newId(), newId(), newId()];
      await first.list.suspendClient(client);
      expect(await statusBecomes(() => second.list.status(client, newId()), 'CLIENT_SUSPENDED')).to.equal('CLIENT_SUSPENDED');
      await first.list.reinstateClient(client);
      expect(await statusBecomes(() => second.list.status(client, newId()), null)).to.equal(null);
      await first.list.markClientDeleted(deleted, Date.now() + MINUTE);
      expect(await statusBecomes(() => second.list.status(deleted, newId()), 'CLIENT_DELETED')).to.equal('CLIENT_DELETED');
      await first.list.revokeSession(session, Date.now() + MINUTE);
      expect(await statusBecomes(() => second.list.status(newId(), session), 'SESSION_REVOKED')).to.equal('SESSION_REVOKED');
      expect(second.list.isSynced()).to.equal(true);
    });

    it('is not undone by its own changes coming back late on the channel', async () => {
      const redis = await connect();
      const subscriber = await connect({ subscriber: true });
      // Hold back each message a little longer than the one before, so this instance hears
      // its suspension 30 ms and its reinstatement 60 ms after making them.
      const on = subscriber.on.bind(subscriber);
      let heard = 0;
      subscriber.on = ((event: string, listener: (...args: unknown[]) => void) =>
        event === 'message' || event === 'smessage'
          ? on(event, (...args: unknown[]) => void setTimeout(() => listener(...args), 30 * ++heard))
          : on(event, listener)) as typeof subscriber.on;
      const list = await RedisRevocationList.start(redis, subscriber, keys, silentLogger);
      await list.refillWith(async () => {});
      try {
        const client = newId();
        await list.suspendClient(client);
        await list.reinstateClient(client);
        const seen = new Set<string | null>();
        const until = Date.now() + 90;
        while (Date.now() < until) {
          seen.add(await list.status(client, newId()));
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        expect([...seen]).to.deep.equal([null]);
      } finally {
        await list.close();
        redis.disconnect();
        subscriber.disconnect();
      }
    });

    it('loads every live entry into an instance that starts after the changes', async () => {
      const [first] = instances as [(typeof instances)[0]];
      const [client, deleted, session] = [newId(), newId(), newId()];
      await first.list.suspendClient(client);
      await first.list.markClientDeleted(deleted, Date.now() + MINUTE);
      await first.list.revokeSession(session, Date.now() + MINUTE);
      const late = await startInstance(keys);
      instances.push(late);
      expect(await late.list.status(client, newId())).to.equal('CLIENT_SUSPENDED');
      expect(await late.list.status(deleted, newId())).to.equal('CLIENT_DELETED');
      expect(await late.list.status(newId(), session)).to.equal('SESSION_REVOKED');
    });

    it('notices that Redis lost the list (marker gone), fails closed, and refills itself from the given source', async function () {
      this.timeout(15000);
      const redis = await connect();
      const subscriber = await connect({ subscriber: true });
      // Keys of its own: another instance's refill would put the marker back first, rightly.
      const keys = uniqueKeys();
      const list = await RedisRevocationList.start(redis, subscriber, keys, silentLogger);
      const suspended = newId();
      let refills = 0;
      await list.refillWith(async () => {
        refills++;
        await list.suspendClient(suspended);
      });
      try {
        expect(await redis.get(`${keys.clientKeyPrefix}${suspended}`)).to.equal('suspended');
        // One key at a time: on a Cluster they live in different slots.
        for (const key of [keys.markerKey, keys.indexKey, `${keys.clientKeyPrefix}${suspended}`]) await redis.del(key);
        const seen = new Set<string>();
        const deadline = Date.now() + 8000;
        // Until the refill is done and the list is back in sync, every answer is a refusal.
        const outcome = () => list.status(suspended, newId()).then(String, (error: Error) => error.name);
        for (let last = await outcome(); refills < 2 || (await redis.get(keys.markerKey)) === null || last !== 'CLIENT_SUSPENDED'; last = await outcome()) {
          seen.add(last);
          expect(Date.now(), 'no refill within 8 s').to.be.below(deadline);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect([...seen].filter((outcome) => outcome !== 'CLIENT_SUSPENDED' && outcome !== 'DomainError')).to.deep.equal([]);
        expect(await list.status(suspended, newId())).to.equal('CLIENT_SUSPENDED');
        expect(await redis.get(`${keys.clientKeyPrefix}${suspended}`)).to.equal('suspended');
      } finally {
        await list.close();
        redis.disconnect();
        subscriber.disconnect();
      }
    });

    it('throws UnavailableError from snapshot() while it refills after a loss, rather than hand out the emptied copy', async function () {
      this.timeout(15000);
      const redis = await connect();
      const subscriber = await connect({ subscriber: true });
      const keys = uniqueKeys();
      const list = await RedisRevocationList.start(redis, subscriber, keys, silentLogger);
      const suspended = newId();
      let refills = 0;
      let gate: Promise<void> = Promise.resolve();
      let openGate = () => {};
      await list.refillWith(async () => {
        refills++;
        await gate;
        await list.suspendClient(suspended);
      });
      try {
        expect(list.snapshot().suspended.map((entry) => entry.id)).to.deep.equal([suspended]);
        gate = new Promise((resolve) => {
          openGate = resolve;
        });
        await redis.del(keys.markerKey);
        await eventually(() => refills === 2, { timeoutMs: 8000, what: 'the refill after the loss to start' });
        expect(() => list.snapshot()).to.throw(UnavailableError);
        openGate();
        const snapshot = await eventually(() => {
          try {
            return list.snapshot();
          } catch {
            return null;
          }
        });
        expect(snapshot.suspended.map((entry) => entry.id)).to.deep.equal([suspended]);
      } finally {
        openGate();
        await list.close();
        redis.disconnect();
        subscriber.disconnect();
      }
    });

    it('keeps the gateway-visible key <prefix><client id>: "suspended" without expiry, then "deleted" until `until`', async () => {
      const [first] = instances as [(typeof instances)[0]];
      const client = newId();
      const key = `${keys.clientKeyPrefix}${client}`;
      await first.list.suspendClient(client);
      expect(await first.redis.get(key)).to.equal('suspended');
      expect(await first.redis.pttl(key)).to.equal(-1);
      await first.list.markClientDeleted(client, Date.now() + MINUTE);
      expect(await first.redis.get(key)).to.equal('deleted');
      expect(await first.redis.pttl(key)).to.be.within(1, MINUTE);
      await first.list.reinstateClient(client);
      expect(await first.redis.get(key)).to.equal('deleted');
    });
  });
}
