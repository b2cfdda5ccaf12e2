import type { AuditEvent, AuditStream } from '../../domain/audit/ports.js';
import { execAll } from './exec-all.js';
import type { RedisClient } from './topology.js';

/**
 * Audit records on a Redis Stream, one entry each, for SIEM shippers reading with consumer
 * groups. The stream is trimmed to the retention as it is written (an exact MINID: the
 * entries removed are at its head, so it costs little), so it never outgrows what the
 * store keeps.
 */
export class RedisAuditStream implements AuditStream {
  constructor(
    private readonly redis: RedisClient,
    private readonly stream: string,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const oldestKept = Math.max(0, this.now() - this.retentionMs);
    const pipeline = this.redis.pipeline();
    for (const event of events) {
      pipeline.xadd(
        this.stream,
        'MINID',
        String(oldestKept),
        '*',
        'id',
        event.id,
        'at',
        event.at.toISOString(),
        'type',
        event.type,
        'outcome',
        event.outcome,
        'actor',
        event.actor,
        'target',
        event.target,
        'session_id',
        event.sessionId,
        'ip',
        event.ip,
        'user_agent',
        event.userAgent,
        'request_id',
        event.requestId,
        'details',
        JSON.stringify(event.details),
      );
    }
    await execAll(pipeline, 'the audit stream');
  }
}
