/**
 * WatchRevocations under load: the time from SuspendClient returning to every one of
 * `watchers` streams (each on its own connection, as separate gateways would be) having
 * the event, and what `idleWatchers` open, quiet streams cost the server in RSS. A Node
 * client started by run.ts on the load generator's core; announces the figures.
 */
import * as fs from 'node:fs';
import { ChannelCredentials, type ClientReadableStream, Metadata } from '@grpc/grpc-js';
import { ClientAuthClient } from '../../gen/clientauth/v1/client_auth.js';
import { RevocationEventType, type WatchRevocationsResponse } from '../../gen/clientauth/v1/revocation_feed.js';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';
import { announce, stopWithRunner } from './child.js';
import { percentile } from './load-generators.js';

interface Settings {
  address: string;
  serverPid: number;
  adminEmail: string;
  adminPassword: string;
  watchers: number;
  idleWatchers: number;
  samples: number;
}

interface Watcher {
  client: ClientAuthClient;
  call: ClientReadableStream<WatchRevocationsResponse>;
  /** When each suspended client's event arrived (performance.now()). */
  suspendedAt: Map<string, number>;
}

/** Opens a stream on a connection of its own and resolves once its snapshot is in. */
function openWatcher(address: string, token: string, onSuspended: () => void): Promise<Watcher> {
  const client = new ClientAuthClient(address, ChannelCredentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const call = client.watchRevocations({ cursor: '' }, metadata);
  const watcher: Watcher = { client, call, suspendedAt: new Map() };
  return new Promise((resolve, reject) => {
    call.on('error', reject);
    call.on('data', ({ message }: WatchRevocationsResponse) => {
      if (message?.$case === 'snapshot') resolve(watcher);
      if (message?.$case === 'event' && message.value.type === RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_SUSPENDED) {
        watcher.suspendedAt.set(message.value.clientId, performance.now());
        onSuspended();
      }
    });
  });
}

function close(watchers: Watcher[]): void {
  for (const watcher of watchers) {
    watcher.call.cancel();
    watcher.client.close();
  }
}

/** The resident set of a process, in MB, from /proc. */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2]!) as Settings;
  const api = createClientAuthClient(settings.address, { deadlineMs: 10_000 });
  const open: Watcher[] = [];
  stopWithRunner(async () => {
    close(open);
    api.close();
  });
  const adminToken = (await api.login({ email: settings.adminEmail, password: settings.adminPassword })).accessToken;

  const rssBefore = rssMb(settings.serverPid);
  open.push(...(await Promise.all(Array.from({ length: settings.idleWatchers }, () => openWatcher(settings.address, adminToken, () => {})))));
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssIdle = rssMb(settings.serverPid);
  close(open.splice(0));

  let arrived: () => void = () => {};
  const watchers = await Promise.all(Array.from({ length: settings.watchers }, () => openWatcher(settings.address, adminToken, () => arrived())));
  open.push(...watchers);
  const latenciesMs: number[] = [];
  const fromSentMs: number[] = [];
  for (let i = 0; i < settings.samples; i++) {
    const email = `fanout-${Date.now().toString(36)}-${i}@example.com`;
    const { client } = await api.registerUser({ email, password: 'fan-out password', firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const everyone = new Promise<void>((resolve) => {
      arrived = () => {
        if (watchers.every((watcher) => watcher.suspendedAt.has(client!.id))) resolve();
      };
    });
    const sent = performance.now();
    await api.suspendClient({ clientId: client!.id, reason: 'fan-out benchmark' }, { token: adminToken });
    const returned = performance.now();
    arrived();
    await everyone;
    const last = Math.max(...watchers.map((watcher) => watcher.suspendedAt.get(client!.id)!));
    // The event usually arrives before the answer does: the suspension is on the feed before SuspendClient returns.
    latenciesMs.push(Math.max(0, last - returned));
    fromSentMs.push(last - sent);
  }
  close(open.splice(0));
  announce({
    watchers: settings.watchers,
    samples: latenciesMs.length,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    fromSentP50Ms: percentile(fromSentMs, 50),
    fromSentP99Ms: percentile(fromSentMs, 99),
    idleWatchers: settings.idleWatchers,
    idleRssMb: rssIdle - rssBefore,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`watch fan-out: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
