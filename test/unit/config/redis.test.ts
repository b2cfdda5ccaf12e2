import { expect } from 'chai';
import { loadConfig } from '../../../src/config/index.js';

const BASE = { MONGODB_URI: 'mongodb://127.0.0.1:27017', JWT_SECRET_KEY: 'k'.repeat(32) };

function redisOf(env: Record<string, string>) {
  const stores = loadConfig({ ...BASE, ...env }).stores;
  if (stores.kind !== 'shared') throw new Error('expected the shared set-up');
  return stores.redis;
}

describe('Redis configuration: one server, Sentinel or Cluster', () => {
  it('reads a Sentinel set-up: the sentinels, the master name, and the passwords of each', () => {
    expect(
      redisOf({
        REDIS_SENTINELS: 'sentinel-a:26379, sentinel-b ,10.0.0.3:26380',
        REDIS_SENTINEL_NAME: 'clientauth',
        REDIS_PASSWORD: 'data-pass',
        REDIS_SENTINEL_PASSWORD: 'sentinel-pass',
      }),
    ).to.deep.equal({
      kind: 'sentinel',
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: 'sentinel-b', port: 26379 },
        { host: '10.0.0.3', port: 26380 },
      ],
      name: 'clientauth',
      username: null,
      password: 'data-pass',
      tls: false,
      sentinelUsername: null,
      sentinelPassword: 'sentinel-pass',
      replicaAcks: 1,
      replicaAckTimeoutMs: 1000,
    });
  });

  it('reads a Cluster set-up: its seed nodes, credentials and TLS', () => {
    expect(
      redisOf({ REDIS_CLUSTER_NODES: 'redis-0:6379,redis-1:6380,[::1]:7000', REDIS_USERNAME: 'auth', REDIS_PASSWORD: 'p', REDIS_TLS: 'true' }),
    ).to.deep.equal({
      kind: 'cluster',
      nodes: [
        { host: 'redis-0', port: 6379 },
        { host: 'redis-1', port: 6380 },
        { host: '::1', port: 7000 },
      ],
      username: 'auth',
      password: 'p',
      tls: true,
      replicaAcks: 0,
      replicaAckTimeoutMs: 1000,
    });
  });

  for (const [title, env, message] of [
    ['two kinds of Redis at once', { REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'r:6379' }, /set only one of REDIS_URL, REDIS_CLUSTER_NODES/],
    ['sentinels without the master name', { REDIS_SENTINELS: 's:26379' }, /REDIS_SENTINEL_NAME .* is required with REDIS_SENTINELS/],
    ['a node that is not host:port', { REDIS_CLUSTER_NODES: 'r:6379,r:port' }, /REDIS_CLUSTER_NODES entries must be host:port; got "r:port"/],
    ['a port out of range', { REDIS_SENTINELS: 's:70000', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS entries must be host:port/],
    [
      'a replica count on a Cluster',
      { REDIS_CLUSTER_NODES: 'r:6379', REDIS_WAIT_REPLICAS: '1' },
      /REDIS_WAIT_REPLICAS is not supported with REDIS_CLUSTER_NODES/,
    ],
    ['an empty list', { REDIS_CLUSTER_NODES: ' , ' }, /REDIS_CLUSTER_NODES must list host:port entries/],
  ] as const) {
    it(`refuses ${title}, naming the variable`, () => {
      expect(() => loadConfig({ ...BASE, ...env })).to.throw(message);
    });
  }
});
