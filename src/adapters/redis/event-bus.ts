import type { Redis } from 'ioredis';
import { UnavailableError } from '../../domain/errors';
import type { ClientStateEvent, DeletionRequestEvent, EventBus } from '../../domain/ports';

export interface RedisEventNames {
  /** Pub/sub channels of deletion requests (each gets every one); the payload is the client id. */
  deletionChannels: readonly string[];
  /** Stream of deletion requests, for consumer groups that must not miss one. */
  deletionStream: string;
  /** Pub/sub channel of suspension and reinstatement events (JSON). */
  clientEventsChannel: string;
}

/**
 * Deletion requests go to a Redis Stream (durable, read with consumer groups) and the
 * pub/sub channels (the original gateway's contract), in one MULTI so all or none.
 */
export class RedisEventBus implements EventBus {
  constructor(
    private readonly redis: Redis,
    private readonly names: RedisEventNames,
  ) {}

  async publishDeletionRequest(event: DeletionRequestEvent): Promise<void> {
    const multi = this.redis
      .multi()
      .xadd(
        this.names.deletionStream,
        '*',
        'client_id', event.clientId,
        'kind', event.kind,
        'requested_at', event.requestedAt.toISOString(),
        'requested_by', event.requestedBy,
      );
    for (const channel of this.names.deletionChannels) multi.publish(channel, event.clientId);
    await this.exec(multi);
  }

  async publishClientEvent(event: ClientStateEvent): Promise<void> {
    const payload = JSON.stringify({
      type: event.type,
      client_id: event.clientId,
      at: event.at.toISOString(),
      by: event.by,
      reason: event.reason,
    });
    await this.exec(this.redis.multi().publish(this.names.clientEventsChannel, payload));
  }

  async close(): Promise<void> {}

  private async exec(multi: ReturnType<Redis['multi']>): Promise<void> {
    try {
      const results = await multi.exec();
      const failed = results?.find(([error]) => error !== null);
      if (!results || failed) throw failed?.[0] ?? new Error('transaction discarded');
    } catch (error) {
      throw new UnavailableError('the event bus', { cause: error });
    }
  }
}
