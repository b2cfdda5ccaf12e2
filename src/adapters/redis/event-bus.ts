import type { ClientStateEvent, DeletionRequestEvent, EventBus } from '../../domain/clients/ports.js';
import { UnavailableError } from '../../domain/kernel/errors.js';
import { execAll } from './exec-all.js';
import { isCluster, publishInOrder, type RedisClient } from './topology.js';

export interface RedisEventNames {
  /** Pub/sub channels of deletion requests (each gets every one); the payload is the client id. */
  deletionChannels: readonly string[];
  /** Stream of deletion requests, for consumer groups that must not miss one. */
  deletionStream: string;
  /** Pub/sub channel of suspension and reinstatement events (JSON). */
  clientEventsChannel: string;
}

/** Replicas that must hold a deletion request before it counts as published (0: the master's word is enough). */
export interface ReplicaAcknowledgement {
  replicas: number;
  timeoutMs: number;
}

/**
 * Deletion requests go to a Redis Stream (durable, read with consumer groups) and the
 * pub/sub channels (the original gateway's contract), in one MULTI so all or none.
 */
export class RedisEventBus implements EventBus {
  constructor(
    private readonly redis: RedisClient,
    private readonly names: RedisEventNames,
    private readonly acknowledgement: ReplicaAcknowledgement = { replicas: 0, timeoutMs: 0 },
  ) {}

  async publishDeletionRequest(event: DeletionRequestEvent): Promise<void> {
    const multi = this.redis
      .multi()
      .xadd(
        this.names.deletionStream,
        '*',
        'client_id',
        event.clientId,
        'kind',
        event.kind,
        'requested_at',
        event.requestedAt.toISOString(),
        'requested_by',
        event.requestedBy,
      );
    for (const channel of this.names.deletionChannels) multi.publish(channel, event.clientId);
    await this.exec(multi);
    await this.awaitReplicas();
  }

  /**
   * A master that dies before its replicas have the entry takes it along in a failover, so
   * the request counts as published only once the replicas connected now (up to the
   * configured number) have it; otherwise it stays pending in the outbox and is sent again
   * (delivery is at least once). A master with no replica connected (the only one was just
   * promoted, or none is configured) has none to wait for.
   */
  private async awaitReplicas(): Promise<void> {
    const { replicas, timeoutMs } = this.acknowledgement;
    if (replicas === 0 || isCluster(this.redis)) return;
    try {
      const role = (await this.redis.call('ROLE')) as [string, number, unknown[]?];
      const needed = Math.min(replicas, role[2]?.length ?? 0);
      if (needed === 0) return;
      const acknowledged = await this.redis.wait(needed, timeoutMs);
      if (acknowledged < needed) throw new Error(`${acknowledged} of ${needed} replicas acknowledged within ${timeoutMs} ms`);
    } catch (error) {
      throw new UnavailableError('the event bus', { cause: error });
    }
  }

  async publishClientEvent(event: ClientStateEvent): Promise<void> {
    const payload = JSON.stringify({
      type: event.type,
      client_id: event.clientId,
      at: event.at.toISOString(),
      by: event.by,
      reason: event.reason,
    });
    try {
      await publishInOrder(this.redis, this.names.clientEventsChannel, payload);
    } catch (error) {
      throw new UnavailableError('the event bus', { cause: error });
    }
  }

  async close(): Promise<void> {}

  private exec(multi: ReturnType<RedisClient['multi']>): Promise<void> {
    return execAll(multi, 'the event bus');
  }
}
