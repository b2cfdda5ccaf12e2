/**
 * Real Redis Cluster and Sentinel set-ups, started by the suites that need them on free
 * loopback ports (the run's single Redis is test/support/redis-process.ts). Every process
 * is a managed one: killed and its directory removed when the run ends, however it ends.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { RedisNode } from '../../src/config/index.js';
import { eventually } from './eventually.js';
import { type Managed, makeTempDir, spawnLogged, stopProcess, waitReady } from './managed-process.js';
import { executableFromEnv, findExecutable, freePort } from './paths.js';
import { redisPing } from './redis-process.js';

const run = promisify(execFile);

/** redis-server and redis-cli, or the reason they cannot be used here. */
export function redisTools(): { server: string; cli: string } | string {
  const server = executableFromEnv('REDIS_SERVER_BIN') ?? findExecutable('redis-server');
  const cli = findExecutable('redis-cli');
  if (!server || !cli) return 'redis-server and redis-cli are needed (apt-get install redis-server; .ci/run does this)';
  return { server, cli };
}

/** One redis-server (or sentinel) process of a set-up. */
export interface RedisInstance {
  port: number;
  process: Managed;
}

async function startInstance(name: string, server: string, dir: string, config: string, port: number, sentinel = false): Promise<RedisInstance> {
  const file = path.join(dir, `${port}.conf`);
  fs.writeFileSync(file, `port ${port}\nbind 127.0.0.1\nsave ""\nappendonly no\ndir ${dir}\n${config}`);
  const managed = spawnLogged(name, server, sentinel ? [file, '--sentinel'] : [file], port, path.join(dir, `${port}.log`));
  // Up once it answers, be it PONG or a demand for the password.
  await waitReady(managed, () => redisPing(port, '127.0.0.1', 1000, ['+PONG', '-NOAUTH']));
  return { port, process: managed };
}

async function cli(cliBin: string, port: number, password: string, ...args: string[]): Promise<string> {
  // The password goes in REDISCLI_AUTH, not on a command line other processes can read.
  const env = password === '' ? process.env : { ...process.env, REDISCLI_AUTH: password };
  return (await run(cliBin, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 30_000, env })).stdout;
}

export interface RedisClusterSetUp {
  nodes: RedisNode[];
  stop(): Promise<void>;
}

/** Three masters (no replicas), slots spread by `redis-cli --cluster create`, ready when every node says cluster_state:ok. */
export async function startRedisCluster(tools: { server: string; cli: string }): Promise<RedisClusterSetUp> {
  const dir = makeTempDir('client-auth-redis-cluster-');
  const ports = [await freePort(), await freePort(), await freePort()];
  const instances = await Promise.all(
    ports.map((port) =>
      startInstance('Redis Cluster node', tools.server, dir, `cluster-enabled yes\ncluster-config-file nodes-${port}.conf\ncluster-node-timeout 2000\n`, port),
    ),
  );
  await run(tools.cli, ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 60_000 });
  for (const port of ports) {
    await eventually(async () => (await cli(tools.cli, port, '', 'cluster', 'info')).includes('cluster_state:ok'), {
      timeoutMs: 30_000,
      what: `Redis Cluster node ${port} to report cluster_state:ok`,
    });
  }
  return {
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    stop: async () => void (await Promise.all(instances.map((instance) => stopProcess(instance.process)))),
  };
}

export interface RedisReplicaPair {
  primary: RedisInstance;
  replica: RedisInstance;
  /** Waits until the replica has everything the primary holds now (its replication offset caught up). */
  caughtUp(): Promise<void>;
  /** Makes the replica a master of its own (REPLICAOF NO ONE), as a failover promotes it; it keeps what it had copied. */
  promote(): Promise<void>;
  stop(): Promise<void>;
}

/** Two plain redis-servers, the second a replica of the first, without passwords or sentinels: the test decides when a failover happens. */
export async function startRedisReplicaPair(tools: { server: string; cli: string }): Promise<RedisReplicaPair> {
  const dir = makeTempDir('client-auth-redis-pair-');
  const primary = await startInstance('Redis primary', tools.server, dir, '', await freePort());
  const replica = await startInstance('Redis replica', tools.server, dir, `replicaof 127.0.0.1 ${primary.port}\n`, await freePort());
  const offset = async (port: number, field: string) =>
    Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(await cli(tools.cli, port, '', 'info', 'replication'))?.[1] ?? -1);
  const caughtUp = async () => {
    const target = await offset(primary.port, 'master_repl_offset');
    await eventually(async () => (await offset(replica.port, 'master_repl_offset')) >= target, { timeoutMs: 30_000, what: 'the replica to catch up' });
  };
  await eventually(async () => (await cli(tools.cli, replica.port, '', 'info', 'replication')).includes('master_link_status:up'), {
    timeoutMs: 30_000,
    what: 'the replica to follow the primary',
  });
  return {
    primary,
    replica,
    caughtUp,
    promote: async () => void (await cli(tools.cli, replica.port, '', 'replicaof', 'no', 'one')),
    stop: async () => void (await Promise.all([primary, replica].map((instance) => stopProcess(instance.process)))),
  };
}

export interface RedisSentinelSetUp {
  name: string;
  sentinels: RedisNode[];
  master: RedisInstance;
  replica: RedisInstance;
  /** Kills the current master with SIGKILL, as a crashed machine would go. */
  killMaster(): void;
  /** The port of the master the sentinels name now, as the first sentinel (or the one at `index`) says. */
  currentMasterPort(index?: number): Promise<number>;
  /** The last lines of every process's log, to explain a failover that did not happen. */
  logTails(lines?: number): string;
  stop(): Promise<void>;
}

/** The passwords of a Sentinel set-up: of the master and replica, and of the sentinels themselves. */
export interface SentinelPasswords {
  data: string;
  sentinel: string;
}

/**
 * One master, one replica and three sentinels (quorum 2) that call the master down after
 * one second without an answer; every one of them requires its password.
 */
export async function startRedisSentinels(
  tools: { server: string; cli: string },
  passwords: SentinelPasswords,
  name = 'clientauth',
): Promise<RedisSentinelSetUp> {
  const dir = makeTempDir('client-auth-redis-sentinel-');
  const dataAuth = `requirepass "${passwords.data}"\nmasterauth "${passwords.data}"\n`;
  const master = await startInstance('Redis master', tools.server, dir, dataAuth, await freePort());
  const replica = await startInstance('Redis replica', tools.server, dir, `${dataAuth}replicaof 127.0.0.1 ${master.port}\n`, await freePort());
  await eventually(async () => (await cli(tools.cli, replica.port, passwords.data, 'info', 'replication')).includes('master_link_status:up'), {
    timeoutMs: 30_000,
    what: 'the replica to follow the master',
  });
  const monitor = [
    `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 10000`,
    `sentinel parallel-syncs ${name} 1`,
    `sentinel auth-pass ${name} ${passwords.data}`,
    `requirepass "${passwords.sentinel}"`,
    // Sentinels talk to each other with this password.
    `sentinel sentinel-pass ${passwords.sentinel}`,
    '',
  ].join('\n');
  const sentinels: RedisInstance[] = [];
  for (let i = 0; i < 3; i++) sentinels.push(await startInstance('Redis sentinel', tools.server, dir, monitor, await freePort(), true));
  // Sentinels find each other and the replica through the master's hello channel.
  await eventually(
    async () => {
      const lines = (await cli(tools.cli, sentinels[0]!.port, passwords.sentinel, 'sentinel', 'master', name)).trim().split('\n');
      const field = (key: string) => lines[lines.indexOf(key) + 1];
      return field('num-other-sentinels') === '2' && field('num-slaves') === '1';
    },
    { timeoutMs: 30_000, what: 'the sentinels to see each other and the replica' },
  );
  const all = [master, replica, ...sentinels];
  return {
    name,
    sentinels: sentinels.map((sentinel) => ({ host: '127.0.0.1', port: sentinel.port })),
    master,
    replica,
    killMaster: () => void master.process.proc.kill('SIGKILL'),
    currentMasterPort: async (index = 0) =>
      Number((await cli(tools.cli, sentinels[index]!.port, passwords.sentinel, 'sentinel', 'get-master-addr-by-name', name)).trim().split('\n')[1]),
    logTails: (lines = 15) =>
      all
        .map(({ process: managed }) => {
          const text = fs.existsSync(managed.logFile) ? fs.readFileSync(managed.logFile, 'utf8') : '(no log)';
          return `--- ${managed.name} on ${managed.port}${managed.hasExited ? ' (exited)' : ''}\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`;
        })
        .join('\n'),
    stop: async () => void (await Promise.all(all.map((instance) => stopProcess(instance.process)))),
  };
}
