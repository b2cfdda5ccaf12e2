import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../../config/index.js';

/**
 * What the Redis adapters talk to: one connection to a server (standalone, or the master a
 * Sentinel set names, followed across failovers by ioredis), or a Cluster. The adapters
 * use the commands both share; where a Cluster differs (no transaction across hash slots,
 * sharded pub/sub, one server identity per master) the helpers here decide.
 */
export type RedisClient = Redis | Cluster;

/** Options common to every connection: commands fail at once while it is down (no offline queue), so a caller learns of an outage instead of hanging. */
const COMMON: RedisOptions = { connectTimeout: 2000, commandTimeout: 2000, maxRetriesPerRequest: 1 };
const retryStrategy = (attempt: number) => Math.min(attempt * 100, 2000);

/** A new, not yet connected client. `subscriber` connections on a Cluster get one sharded subscriber per master. */
export function newRedisClient(config: RedisTarget, options: { subscriber: boolean }): RedisClient {
  switch (config.kind) {
    case 'standalone':
      return new Redis(config.url, { ...COMMON, lazyConnect: true, enableOfflineQueue: false, retryStrategy });
    case 'sentinel':
      return new Redis({
        ...COMMON,
        ...dataNodeAuth(config),
        lazyConnect: true,
        enableOfflineQueue: false,
        retryStrategy,
        sentinels: config.sentinels.map((node) => ({ ...node })),
        name: config.name,
        sentinelUsername: config.sentinelUsername ?? undefined,
        sentinelPassword: config.sentinelPassword ?? undefined,
        enableTLSForSentinelMode: config.tls,
        sentinelRetryStrategy: retryStrategy,
        // Without it, a sentinel that accepts the connection but does not answer (stopped, stuck
        // writing its configuration) holds the reconnection for ever: the others are never asked.
        sentinelCommandTimeout: COMMON.commandTimeout,
        // Disconnects as soon as a sentinel announces a new master, instead of waiting for the old one's socket to fail.
        failoverDetector: true,
      });
    case 'cluster':
      return new Cluster(
        config.nodes.map((node) => ({ ...node })),
        {
          lazyConnect: true,
          enableOfflineQueue: false,
          clusterRetryStrategy: retryStrategy,
          shardedSubscribers: options.subscriber,
          redisOptions: { ...COMMON, ...dataNodeAuth(config) },
        },
      );
  }
}

function dataNodeAuth(config: { username: string | null; password: string | null; tls: boolean }): RedisOptions {
  return {
    ...(config.username === null ? {} : { username: config.username }),
    ...(config.password === null ? {} : { password: config.password }),
    ...(config.tls ? { tls: {} } : {}),
  };
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/**
 * The identity of the data set behind the client: the `run_id` Redis gives itself at each
 * start, of the one server or of every master of a Cluster. A change means a restart or a
 * failover, so the data may be older than what this instance last saw.
 */
export async function serverIdentity(client: RedisClient): Promise<string> {
  const servers = isCluster(client) ? client.nodes('master') : [client];
  const ids = await Promise.all(servers.map(async (server) => /^run_id:(\w+)/m.exec(await server.info('server'))?.[1] ?? ''));
  return ids.sort().join(',');
}

/**
 * Calls `closed` whenever a connection of `client` drops, and `ready` whenever one is
 * usable again: of the one server, or of any node of a Cluster (those it has now and those
 * it connects to later). Whatever a connection comes back to may be another server (a
 * failover, an address that now leads elsewhere), so what it says must be proved again.
 */
export function onConnections(client: RedisClient, listeners: { closed: () => void; ready: () => void }): void {
  if (!isCluster(client)) {
    client.on('close', listeners.closed).on('ready', listeners.ready);
    return;
  }
  const watched = new WeakSet<Redis>();
  const watch = (node: Redis) => {
    if (watched.has(node)) return;
    watched.add(node);
    node.on('close', listeners.closed).on('ready', listeners.ready);
  };
  for (const node of client.nodes('all')) watch(node);
  client.on('+node', watch).on('-node', listeners.closed);
}

/** One command, as `[name, ...arguments]`. */
export type RedisCommand = [string, ...(string | number)[]];

/**
 * Runs `commands` and then publishes `message` on `channel`. On one server, in one MULTI:
 * all or nothing. A Cluster cannot run a transaction across hash slots (a gateway reads
 * the client key by the bare id, so the keys cannot share a hash tag): there the commands
 * run in order and the message goes out last, on the channel's shard (SPUBLISH), so
 * whoever hears it finds the keys written. Rejects when any step fails.
 */
export async function writeThenPublish(client: RedisClient, commands: readonly RedisCommand[], channel: string, message: string): Promise<void> {
  if (isCluster(client)) {
    for (const [name, ...args] of commands) await client.call(name, ...args);
    await client.spublish(channel, message);
    return;
  }
  const multi = client.multi();
  for (const [name, ...args] of commands) multi.call(name, ...args);
  const results = await multi.publish(channel, message).exec();
  const failed = results?.find(([error]) => error !== null);
  if (!results || failed) throw failed?.[0] ?? new Error('transaction discarded');
}

/** GET of each key; one MGET on a server, one GET per key on a Cluster (the keys live in different slots). */
export function getEach(client: RedisClient, keys: readonly string[]): Promise<(string | null)[]> {
  return isCluster(client) ? Promise.all(keys.map((key) => client.get(key))) : client.mget(...keys);
}

/** Calls `onMessage` with each message on `channel` (sharded pub/sub on a Cluster: `smessage`). */
export function onChannelMessage(subscriber: RedisClient, channel: string, onMessage: (message: string) => void): void {
  subscriber.on(isCluster(subscriber) ? 'smessage' : 'message', (from: string, message: string) => {
    if (from === channel) onMessage(message);
  });
}

/**
 * Subscribes to `channel`: SSUBSCRIBE on a Cluster, whose sharded pub/sub keeps a message on
 * the shard that owns the channel instead of broadcasting it to every node.
 */
export async function subscribeChannel(subscriber: RedisClient, channel: string): Promise<void> {
  if (isCluster(subscriber)) await subscriber.ssubscribe(channel);
  else await subscriber.subscribe(channel);
}

/**
 * PUBLISH on `channel`, in order with earlier publishes on it. A Cluster client sends a
 * keyless PUBLISH to any node, and messages from two nodes can reach a subscriber in
 * either order over the cluster bus; sending every message of a channel through the
 * master that owns the channel's hash slot keeps them in the order they were published,
 * while plain SUBSCRIBE consumers (existing gateways) on any node still hear them.
 */
/** The hash slot of each channel published on (a handful, fixed by the configuration). */
const channelSlots = new Map<string, number>();

export async function publishInOrder(client: RedisClient, channel: string, message: string): Promise<void> {
  if (!isCluster(client)) {
    await client.publish(channel, message);
    return;
  }
  let slot = channelSlots.get(channel);
  if (slot === undefined) {
    slot = Number(await client.call('CLUSTER', 'KEYSLOT', channel));
    channelSlots.set(channel, slot);
  }
  const owner = client.slots[slot]?.[0];
  const node = client.nodes('master').find((master) => `${master.options.host}:${master.options.port}` === owner) ?? client.nodes('master')[0];
  if (!node) throw new Error('no Redis Cluster master is known');
  await node.publish(channel, message);
}
