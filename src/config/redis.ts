/**
 * Which Redis the shared set-up uses: one server (REDIS_URL or REDIS_HOST), a Sentinel-
 * managed master (REDIS_SENTINELS), or a Cluster (REDIS_CLUSTER_NODES). Exactly one of
 * the three may be configured.
 */
import { ConfigError, type Reader } from './reader.js';

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/** Credentials and TLS of the data nodes (the master and replicas, or the cluster's nodes). */
interface RedisAuth {
  readonly username: string | null;
  readonly password: string | null;
  readonly tls: boolean;
}

/** Where Redis is: what a connection needs. */
export type RedisTarget =
  | { readonly kind: 'standalone'; readonly url: string }
  | (RedisAuth & {
      readonly kind: 'sentinel';
      readonly sentinels: readonly RedisNode[];
      /** The master's name in the sentinels' configuration (`sentinel monitor <name> ...`). */
      readonly name: string;
      readonly sentinelUsername: string | null;
      readonly sentinelPassword: string | null;
    })
  | (RedisAuth & { readonly kind: 'cluster'; readonly nodes: readonly RedisNode[] });

/**
 * Where Redis is, and how many replicas must have a deletion request (WAIT) before it counts
 * as delivered, waiting at most `replicaAckTimeoutMs`: a failover loses what the old master
 * had not yet replicated. Always 0 on a Cluster.
 */
export type RedisConfig = RedisTarget & { readonly replicaAcks: number; readonly replicaAckTimeoutMs: number };

export function redisFrom(read: Reader): RedisConfig | null {
  const target = redisTargetFrom(read);
  if (target === null) return null;
  // WAIT is answered by whichever node gets it, not by the stream's master.
  if (target.kind === 'cluster' && read.optional('REDIS_WAIT_REPLICAS') !== null) {
    throw new ConfigError('REDIS_WAIT_REPLICAS is not supported with REDIS_CLUSTER_NODES');
  }
  return {
    ...target,
    replicaAcks: read.int('REDIS_WAIT_REPLICAS', target.kind === 'sentinel' ? 1 : 0, 0, 16),
    replicaAckTimeoutMs: read.int('REDIS_WAIT_TIMEOUT_MS', 1000, 10, 60000),
  };
}

function redisTargetFrom(read: Reader): RedisTarget | null {
  const configured = ['REDIS_URL', 'REDIS_HOST', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'].filter((name) => read.optional(name) !== null);
  if (configured.length > 1) throw new ConfigError(`set only one of ${configured.join(', ')}: they name different kinds of Redis`);
  const sentinels = read.optional('REDIS_SENTINELS');
  if (sentinels !== null) {
    const name = read.optional('REDIS_SENTINEL_NAME');
    if (name === null) throw new ConfigError("REDIS_SENTINEL_NAME (the monitored master's name) is required with REDIS_SENTINELS");
    return {
      kind: 'sentinel',
      sentinels: nodes(read, 'REDIS_SENTINELS', 26379),
      name,
      ...auth(read),
      sentinelUsername: read.optional('REDIS_SENTINEL_USERNAME'),
      sentinelPassword: read.optional('REDIS_SENTINEL_PASSWORD'),
    };
  }
  if (read.optional('REDIS_CLUSTER_NODES') !== null) return { kind: 'cluster', nodes: nodes(read, 'REDIS_CLUSTER_NODES', 6379), ...auth(read) };

  const url = read.optional('REDIS_URL');
  if (url !== null) {
    if (!/^rediss?:\/\//.test(url)) throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
    return { kind: 'standalone', url };
  }
  const host = read.optional('REDIS_HOST');
  if (host === null) return null;
  const port = read.int('REDIS_PORT', 6379, 1, 65535);
  const password = read.optional('REDIS_PASSWORD');
  const credentials = password === null ? '' : `:${encodeURIComponent(password)}@`;
  return { kind: 'standalone', url: `redis://${credentials}${host}:${port}` };
}

function auth(read: Reader): RedisAuth {
  return { username: read.optional('REDIS_USERNAME'), password: read.optional('REDIS_PASSWORD'), tls: read.bool('REDIS_TLS', false) };
}

function nodes(read: Reader, name: string, defaultPort: number): RedisNode[] {
  const list = read.list(name);
  if (list.length === 0) throw new ConfigError(`${name} must list host:port entries separated by commas`);
  return list.map((entry) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(entry);
    const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
    if (!match || port < 1 || port > 65535) throw new ConfigError(`${name} entries must be host:port; got "${entry}"`);
    return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
  });
}
