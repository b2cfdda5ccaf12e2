/**
 * The audit recorder the use cases call. `record` never waits and never throws: a record
 * is logged (one line with `audit: true`) and counted at once, then queued and written to
 * the store after the caller's answer has gone out, and published on the stream after it
 * is stored. A store outage fails no use case: records wait in a bounded queue and are
 * written when the store is back; past the bound they are dropped and counted.
 */
import { DomainError, type Reason } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Logger } from '../kernel/logger.js';
import { OutageLog } from '../kernel/outage-log.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import { isClientId } from '../kernel/validation.js';
import { BoundedSink } from './bounded-sink.js';
import type { AdminAttempt, AuditEvent, AuditEventType, AuditInput, AuditLog, AuditOutcome, AuditRecorder, AuditStream, OutcomeRecords } from './ports.js';

export interface AuditOptions {
  store: AuditLog;
  /** Null when no stream is configured (the embedded set-up). */
  stream: AuditStream | null;
  log: Logger;
  /** Records waiting for the store (and, separately, for the stream) beyond this are dropped. */
  queueMax: number;
  retentionDays: number;
  /** How long to wait before writing again after a failure. */
  retryMs?: number;
  now?: () => number;
}

/** How the trail is doing, for metrics. */
export interface AuditStats {
  recorded: ReadonlyMap<string, { type: AuditEventType; outcome: AuditOutcome; count: number }>;
  dropped: number;
  queued: number;
}

const COALESCE_MS = 60_000;
const COALESCE_KEYS_MAX = 10_000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Failures that say nothing about anyone's security: a malformed request, a store outage, a
 * login shed because the server is busy hashing (a storm would otherwise flood the trail).
 */
const UNRECORDED: ReadonlySet<Reason> = new Set(['INVALID_ARGUMENT', 'UNAVAILABLE', 'SERVER_BUSY']);

export class Audit implements AuditRecorder {
  private readonly now: () => number;
  private readonly stored: BoundedSink;
  private readonly streamed: BoundedSink | null;
  private readonly recorded = new Map<string, { type: AuditEventType; outcome: AuditOutcome; count: number }>();
  private readonly coalesced = new Map<string, { until: number; repeated: number }>();
  /** Records waiting for their target to be found. */
  private readonly finding = new Set<Promise<void>>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly options: AuditOptions) {
    this.now = options.now ?? Date.now;
    const retryMs = options.retryMs ?? 1000;
    const { stream, log } = options;
    this.streamed = stream ? new BoundedSink((batch) => stream.publish(batch), options.queueMax, retryMs, new OutageLog(log, 'audit stream publishing')) : null;
    this.stored = new BoundedSink(
      (batch) => options.store.append(batch),
      options.queueMax,
      retryMs,
      new OutageLog(log, 'audit store writes'),
      (batch) => this.streamed?.push(batch),
    );
  }

  async outcome<T extends R, R>(request: RequestContext, work: () => Promise<T>, records: OutcomeRecords<R>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      const failure = error instanceof DomainError && !UNRECORDED.has(error.reason) ? records.failure(error.reason) : null;
      if (failure) this.record(failure, request, records.coalesceKey?.(failure));
      throw error;
    }
    this.record(records.success(result), request);
    return result;
  }

  async refusals<T>(request: RequestContext, attempt: AdminAttempt, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError && !UNRECORDED.has(error.reason)) {
        const target = isClientId(attempt.target) ? attempt.target : '';
        const denied = error.reason === 'PERMISSION_DENIED' ? `${attempt.type}:denied:${attempt.actor}` : undefined;
        this.record({ type: attempt.type, outcome: 'failure', actor: attempt.actor, target, details: { reason: error.reason } }, request, denied);
      }
      throw error;
    }
  }

  record(input: AuditInput, request: RequestContext = NO_REQUEST, coalesceKey?: string): void {
    try {
      this.count(input);
      const repeated = coalesceKey === undefined ? 0 : this.coalesce(coalesceKey);
      if (repeated < 0) return;
      const at = this.now();
      const { findTarget } = input;
      if (findTarget) {
        // After the answer has gone out, like the store write (a SQLite read is synchronous).
        const found = new Promise((resolve) => setImmediate(resolve)).then(findTarget).then(
          (target) => this.append({ ...input, target }, request, repeated, at),
          () => this.append(input, request, repeated, at),
        );
        this.finding.add(found);
        void found.finally(() => this.finding.delete(found));
      } else {
        this.append(input, request, repeated, at);
      }
    } catch (error) {
      // Recording must never change the outcome of what it records.
      this.options.log.error({ err: String(error) }, 'audit record failed');
    }
  }

  private append(input: AuditInput, request: RequestContext, repeated: number, at: number): void {
    try {
      const details = repeated > 0 ? { ...input.details, repeated } : { ...input.details };
      const event: AuditEvent = {
        id: newId(at),
        at: new Date(at),
        type: input.type,
        outcome: input.outcome,
        actor: input.actor,
        target: input.target,
        sessionId: input.sessionId ?? '',
        ip: request.ip,
        userAgent: request.userAgent,
        requestId: request.requestId,
        details,
      };
      this.options.log.info({ audit: true, ...event, at: event.at.toISOString() }, `audit: ${event.type} ${event.outcome}`);
      this.stored.push([event]);
    } catch (error) {
      this.options.log.error({ err: String(error) }, 'audit record failed');
    }
  }

  /**
   * Sweeps now and every `intervalMs` until closed (no store we support expires records by
   * itself: FerretDB has no TTL indexes). A failing sweep is logged once per outage.
   */
  startSweeping(intervalMs: number): void {
    const outage = new OutageLog(this.options.log, 'sweep of audit records past AUDIT_RETENTION_DAYS');
    const sweep = () => void outage.run(() => this.sweepExpired());
    sweep();
    this.sweeper = setInterval(sweep, intervalMs);
    this.sweeper.unref();
  }

  /** Removes records older than the retention; returns how many. */
  sweepExpired(): Promise<number> {
    return this.options.store.sweep(new Date(this.now() - this.options.retentionDays * DAY_MS));
  }

  /** Writes what is queued now (tests, shutdown); resolves even when a write fails. */
  async flush(): Promise<void> {
    await Promise.all(this.finding);
    await this.stored.drain();
    await this.streamed?.drain();
  }

  stats(): AuditStats {
    return {
      recorded: this.recorded,
      dropped: this.stored.dropped + (this.streamed?.dropped ?? 0),
      queued: this.stored.length,
    };
  }

  /** Writes what it can, then stops retrying; records still queued are lost (and were logged). */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.flush();
    this.stored.close();
    this.streamed?.close();
    const left = this.stored.length;
    if (left > 0) this.options.log.warn({ left }, 'audit records not stored at shutdown (their log lines remain)');
  }

  private count(input: AuditInput): void {
    const key = `${input.type}|${input.outcome}`;
    const entry = this.recorded.get(key);
    if (entry) entry.count++;
    else this.recorded.set(key, { type: input.type, outcome: input.outcome, count: 1 });
  }

  /** -1: fold this event into the last record of its key; else how many were folded since. */
  private coalesce(key: string): number {
    const now = this.now();
    const entry = this.coalesced.get(key);
    if (entry && entry.until > now) {
      entry.repeated++;
      return -1;
    }
    if (this.coalesced.size >= COALESCE_KEYS_MAX) {
      for (const [other, value] of this.coalesced) if (value.until <= now) this.coalesced.delete(other);
      // Still full of live keys: forget the oldest; its next event is recorded in full.
      if (this.coalesced.size >= COALESCE_KEYS_MAX) this.coalesced.delete(this.coalesced.keys().next().value!);
    }
    this.coalesced.delete(key);
    this.coalesced.set(key, { until: now + COALESCE_MS, repeated: 0 });
    return entry?.repeated ?? 0;
  }
}
