/** The audit trail's metrics: records by type and outcome, records dropped, records waiting. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuditStats } from '../domain/audit/recorder.js';

export function registerAuditMetrics(registry: Registry, prefix: string, audit: { stats(): AuditStats }): void {
  // Counted by the recorder as events happen; read on each scrape.
  new Counter({
    name: `${prefix}audit_events_total`,
    help: 'Security events recorded in the audit trail, by type and outcome (coalesced repeats included).',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { type, outcome, count } of audit.stats().recorded.values()) this.inc({ type, outcome }, count);
    },
  });
  new Counter({
    name: `${prefix}audit_dropped_total`,
    help: 'Audit records dropped because the store or the stream stayed unreachable while AUDIT_QUEUE_MAX records waited.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(audit.stats().dropped);
    },
  });
  new Gauge({
    name: `${prefix}audit_queue`,
    help: 'Audit records waiting to be written to the store.',
    registers: [registry],
    collect() {
      this.set(audit.stats().queued);
    },
  });
}
