import { spawn } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually } from '../../support/eventually.js';
import { repoRoot } from '../../support/paths.js';
import { testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';

/** A TCP relay to `target` that counts the connections made through it. */
async function countingRelay(target: URL): Promise<{ url: string; opened: () => number; close: () => Promise<void> }> {
  let opened = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    opened++;
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    opened: () => opened,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('Start-up of the shared set-up', function () {
  this.timeout(60000);

  it('connects to Redis while MongoDB has not answered yet, and serves nothing until both are ready', async function () {
    const services = requireServices(this);
    const mongo = new URL(services.mongoUri);
    const stalledMongo = await startTcpProxy({ host: mongo.hostname, port: Number(mongo.port) });
    stalledMongo.stall();
    const redis = await countingRelay(new URL(services.redisUrl));
    let output = '';
    const child = spawn(process.execPath, [join(repoRoot(), 'dist/src/main.js'), 'server'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        ...testEnv(services, 'startup_order', { MONGODB_URI: `mongodb://${stalledMongo.address}/`, REDIS_URL: redis.url, STARTUP_TIMEOUT_MS: '20000' }),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // The commands connection, the subscriber and the revocation feed's reader.
      await eventually(() => redis.opened() >= 3, { timeoutMs: 15000, what: 'the Redis connections, with MongoDB stalled' });
      expect(output, 'served with MongoDB stalled').not.to.contain('listening');
      // MongoDB answers: the start-up goes on and serves.
      stalledMongo.release();
      await eventually(() => output.includes('gRPC server listening'), { timeoutMs: 20000, what: 'the server to listen' });
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await stalledMongo.close();
      await redis.close();
    }
  });
});
