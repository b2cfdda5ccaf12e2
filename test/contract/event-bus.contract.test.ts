/** The EventBus port's guarantees, asserted against every adapter. */
import { expect } from 'chai';
import { MemoryEventBus } from '../../src/adapters/embedded/memory-event-bus.js';
import { RedisEventBus, type RedisEventNames } from '../../src/adapters/redis/event-bus.js';
import type { ClientStateEvent, DeletionRequestEvent, EventBus } from '../../src/domain/clients/ports.js';
import { UnavailableError } from '../../src/domain/kernel/errors.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { silentLogger } from '../../src/domain/kernel/logger.js';
import { eventually } from '../support/eventually.js';
import { recordingLogger } from '../support/server.js';
import { type OpenRedis, redisClusterConnections, redisConnections, uniqueName } from './backends.js';

/** What a consumer of the bus has received so far. */
interface Received {
  deletions: DeletionRequestEvent[];
  clientEvents: ClientStateEvent[];
}

type OpenEventBus = () => Promise<{ bus: EventBus; received(): Promise<Received>; close(): Promise<void> }>;

const AT = new Date(Date.UTC(2026, 7, 8, 9, 10, 11, 120));

function aDeletionRequest(fields: Partial<DeletionRequestEvent> = {}): DeletionRequestEvent {
  return { clientId: newId(), kind: 'user', requestedAt: AT, requestedBy: newId(), ...fields };
}

/** Polls for up to two seconds until `done` holds of what was received; returns what was received. */
function receivedWhen(received: () => Promise<Received>, done: (seen: Received) => boolean): Promise<Received> {
  return eventually(received, { until: done, timeoutMs: 2000, intervalMs: 10, what: 'the events' });
}

function eventBusContract(open: OpenEventBus): void {
  let bus: EventBus;
  let received: () => Promise<Received>;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ bus, received, close } = await open());
  });
  afterEach(async () => close?.());

  it('delivers a deletion request with its client, kind, time and requester', async () => {
    const request = aDeletionRequest({ kind: 'service' });
    await bus.publishDeletionRequest(request);
    const seen = await receivedWhen(received, (r) => r.deletions.length >= 1);
    expect(seen.deletions).to.deep.equal([request]);
  });

  it('delivers deletion requests in the order they were published', async () => {
    const requests = Array.from({ length: 5 }, () => aDeletionRequest());
    for (const request of requests) await bus.publishDeletionRequest(request);
    const seen = await receivedWhen(received, (r) => r.deletions.length >= 5);
    expect(seen.deletions.map((r) => r.clientId)).to.deep.equal(requests.map((r) => r.clientId));
  });

  it('delivers suspensions and reinstatements with their client, time, author and reason, in order', async () => {
    const clientId = newId();
    const by = newId();
    const events: ClientStateEvent[] = [
      { type: 'client.suspended', clientId, at: AT, by, reason: 'chargeback ü' },
      { type: 'client.reinstated', clientId, at: new Date(AT.getTime() + 1000), by, reason: '' },
    ];
    for (const event of events) await bus.publishClientEvent(event);
    const seen = await receivedWhen(received, (r) => r.clientEvents.length >= 2);
    expect(seen.clientEvents).to.deep.equal(events);
  });
}

describe('EventBus contract', () => {
  describe('in process', () => {
    eventBusContract(async () => {
      const bus = new MemoryEventBus(silentLogger);
      const seen: Received = { deletions: [], clientEvents: [] };
      bus.on('deletion-request', (event) => seen.deletions.push(event));
      bus.on('client-event', (event) => seen.clientEvents.push(event));
      return { bus, received: async () => seen, close: () => bus.close() };
    });

    it('keeps delivering to the other listeners when one throws, and the publish still succeeds', async () => {
      const logs: string[] = [];
      const bus = new MemoryEventBus(recordingLogger(logs));
      const seen: string[] = [];
      bus.on('deletion-request', () => {
        throw new Error('listener bug');
      });
      bus.on('deletion-request', (event) => seen.push(event.clientId));
      const request = aDeletionRequest();
      await bus.publishDeletionRequest(request);
      expect(seen).to.deep.equal([request.clientId]);
      expect(logs.some((line) => line.includes('listener bug'))).to.equal(true);
    });

    it('stops calling a listener once it unsubscribes', async () => {
      const bus = new MemoryEventBus(silentLogger);
      const seen: string[] = [];
      const stop = bus.on('deletion-request', (event) => seen.push(event.clientId));
      const first = aDeletionRequest();
      await bus.publishDeletionRequest(first);
      stop();
      await bus.publishDeletionRequest(aDeletionRequest());
      expect(seen).to.deep.equal([first.clientId]);
    });
  });

  describe('on Redis', () => {
    redisEventBusSuite(redisConnections());
  });

  describe('on a Redis Cluster of 3 masters', function () {
    this.timeout(30000);
    redisEventBusSuite(redisClusterConnections());
  });
});

/**
 * The contract and the gateway's contract on one kind of Redis. The consumer uses plain
 * SUBSCRIBE, as existing gateways do: on a Cluster a PUBLISH reaches every node.
 */
function redisEventBusSuite(connect: OpenRedis): void {
  const uniqueNames = (): RedisEventNames => {
    const tag = uniqueName('events');
    return {
      deletionChannels: [`${tag}:deletion`, `${tag}:user-delete`],
      deletionStream: `${tag}:deletion-stream`,
      clientEventsChannel: `${tag}:client-events`,
    };
  };

  /** A bus on fresh names, and a consumer that reads the stream and listens on every channel. */
  const openRedisBus = async () => {
    const names = uniqueNames();
    const redis = await connect();
    const subscriber = await connect();
    const channelMessages: Record<string, string[]> = { [names.clientEventsChannel]: [] };
    for (const channel of names.deletionChannels) channelMessages[channel] = [];
    subscriber.on('message', (channel: string, message: string) => channelMessages[channel]?.push(message));
    await subscriber.subscribe(...names.deletionChannels, names.clientEventsChannel);
    return {
      names,
      redis,
      channelMessages,
      bus: new RedisEventBus(redis, names),
      received: async (): Promise<Received> => ({
        deletions: (await redis.xrange(names.deletionStream, '-', '+')).map(([, fields]) => deletionFromStream(fields)),
        clientEvents: channelMessages[names.clientEventsChannel]!.map(clientEventFromChannel),
      }),
      close: async () => {
        redis.disconnect();
        subscriber.disconnect();
      },
    };
  };

  eventBusContract(openRedisBus);

  describe("the gateway's contract", () => {
    let opened: Awaited<ReturnType<typeof openRedisBus>>;
    beforeEach(async () => {
      opened = await openRedisBus();
    });
    afterEach(async () => opened?.close());

    it('announces each deletion request on every deletion channel with the client id as the whole payload', async () => {
      const requests = [aDeletionRequest(), aDeletionRequest()];
      for (const request of requests) await opened.bus.publishDeletionRequest(request);
      const [ours, gateways] = opened.names.deletionChannels as [string, string];
      await receivedWhen(opened.received, () => opened.channelMessages[ours]!.length >= 2 && opened.channelMessages[gateways]!.length >= 2);
      expect(opened.channelMessages[ours]).to.deep.equal(requests.map((r) => r.clientId));
      expect(opened.channelMessages[gateways]).to.deep.equal(requests.map((r) => r.clientId));
    });

    it('adds each deletion request to the stream with client_id, kind, requested_at and requested_by', async () => {
      const request = aDeletionRequest({ kind: 'service' });
      await opened.bus.publishDeletionRequest(request);
      const entries = await opened.redis.xrange(opened.names.deletionStream, '-', '+');
      expect(entries).to.have.length(1);
      expect(entries[0]![1]).to.deep.equal([
        'client_id',
        request.clientId,
        'kind',
        'service',
        'requested_at',
        AT.toISOString(),
        'requested_by',
        request.requestedBy,
      ]);
    });

    it('rejects with UnavailableError when Redis cannot take the request, so the caller keeps it pending', async () => {
      const down = await connect();
      down.disconnect();
      const bus = new RedisEventBus(down, opened.names);
      let error: unknown;
      await bus.publishDeletionRequest(aDeletionRequest()).catch((caught: unknown) => (error = caught));
      expect(error).to.be.instanceOf(UnavailableError);
      expect(await opened.redis.xlen(opened.names.deletionStream)).to.equal(0);
    });
  });
}

function deletionFromStream(fields: string[]): DeletionRequestEvent {
  const field = (name: string) => fields[fields.indexOf(name) + 1]!;
  return {
    clientId: field('client_id'),
    kind: field('kind') as DeletionRequestEvent['kind'],
    requestedAt: new Date(field('requested_at')),
    requestedBy: field('requested_by'),
  };
}

function clientEventFromChannel(message: string): ClientStateEvent {
  const parsed = JSON.parse(message) as { type: ClientStateEvent['type']; client_id: string; at: string; by: string; reason: string };
  return { type: parsed.type, clientId: parsed.client_id, at: new Date(parsed.at), by: parsed.by, reason: parsed.reason };
}
