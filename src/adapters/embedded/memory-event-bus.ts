import type { ClientStateEvent, DeletionRequestEvent, EventBus } from '../../domain/clients/ports.js';
import { describeError } from '../../domain/kernel/error-text.js';
import type { Logger } from '../../domain/kernel/logger.js';

/** What a MemoryEventBus emits, by event name. */
export interface MemoryBusEvents {
  'deletion-request': DeletionRequestEvent;
  'client-event': ClientStateEvent;
}

type Listener<K extends keyof MemoryBusEvents> = (event: MemoryBusEvents[K]) => void;

/**
 * The event bus of a single instance: it hands each event to the listeners registered in
 * this process and reaches no other service. Nothing is lost for want of a consumer: the
 * outbox keeps every deletion request, readable with ListDeletionRequests.
 */
export class MemoryEventBus implements EventBus {
  private readonly listeners: { [K in keyof MemoryBusEvents]: Set<Listener<K>> } = {
    'deletion-request': new Set(),
    'client-event': new Set(),
  };

  constructor(private readonly log: Logger) {}

  /** Calls `listener` with every event of `type` published from now on; returns the way to stop. */
  on<K extends keyof MemoryBusEvents>(type: K, listener: Listener<K>): () => void {
    const set = this.listeners[type] as Set<Listener<K>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  async publishDeletionRequest(event: DeletionRequestEvent): Promise<void> {
    this.log.info(
      { clientId: event.clientId, requestedBy: event.requestedBy },
      'deletion request recorded; no event bus is configured, so other services learn of it through ListDeletionRequests',
    );
    this.emit('deletion-request', event);
  }

  async publishClientEvent(event: ClientStateEvent): Promise<void> {
    this.emit('client-event', event);
  }

  async close(): Promise<void> {
    for (const set of Object.values(this.listeners)) set.clear();
  }

  /** A failing listener is its own problem: it must not fail the publish or starve the others. */
  private emit<K extends keyof MemoryBusEvents>(type: K, event: MemoryBusEvents[K]): void {
    for (const listener of [...(this.listeners[type] as Set<Listener<K>>)]) {
      try {
        listener(event);
      } catch (error) {
        this.log.warn({ event: type, err: describeError(error) }, 'an in-process event listener failed');
      }
    }
  }
}
