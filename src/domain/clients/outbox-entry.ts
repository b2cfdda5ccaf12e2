import type { ClientRecord } from '../kernel/client.js';
import { newId } from '../kernel/ids.js';
import type { OutboxEntry, OutboxEventType } from './ports.js';

/** A new, undelivered outbox entry about `client`, caused by the client `by`. */
export function newOutboxEntry(
  type: OutboxEventType,
  client: Pick<ClientRecord, 'id' | 'kind'>,
  event: { by: string; at: Date; reason?: string; id?: string },
): OutboxEntry {
  return {
    id: event.id ?? newId(event.at.getTime()),
    type,
    clientId: client.id,
    clientKind: client.kind,
    at: event.at,
    by: event.by,
    reason: event.reason ?? '',
    deliveredAt: null,
  };
}
