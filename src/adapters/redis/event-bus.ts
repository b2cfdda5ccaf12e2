import { UnavailableError } from '../../domain/errors';
import type { ClientStateEvent, DeletionRequestEvent, EventBus } from '../../domain/ports';
import type { RedisClient } from './topology';

export interface RedisEventNames {
  /** Pub/sub channel of deletion requests; the payload is the client id. */
  deletionChannel: string;
  /** Stream of deletion requests, for consumer groups that must not miss one. */
  deletionStream: string;
  /** Pub/sub channel of suspension and reinstatement events (JSON). */
  clientEventsChannel: string;
}

/**
 * Deletion requests go to a Redis Stream (durable, read with consumer groups) and a
 * pub/sub channel (the original gateway's contract), in one MULTI so both or neither.
 */
export class RedisEventBus implements EventBus {
  constructor(
    private readonly redis: RedisClient,
    private readonly names: RedisEventNames,
  ) {}

  async publishDeletionRequest(event: DeletionRequestEvent): Promise<void> {
    await this.exec(
      this.redis
        .multi()
        .xadd(
          this.names.deletionStream,
          '*',
          'client_id', event.clientId,
          'kind', event.kind,
          'requested_at', event.requestedAt.toISOString(),
          'requested_by', event.requestedBy,
        )
        .publish(this.names.deletionChannel, event.clientId),
    );
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

  private async exec(multi: ReturnType<RedisClient['multi']>): Promise<void> {
    try {
      const results = await multi.exec();
      const failed = results?.find(([error]) => error !== null);
      if (!results || failed) throw failed?.[0] ?? new Error('transaction discarded');
    } catch (error) {
      throw new UnavailableError('the event bus', { cause: error });
    }
  }
}
