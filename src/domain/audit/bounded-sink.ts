/**
 * The queue between the audit recorder and one destination (the store, or the stream):
 * bounded, written in batches after the callers' answers have gone out, retried after a
 * failure with the outage logged once.
 */
import type { OutageLog } from '../kernel/outage-log.js';
import type { AuditEvent } from './ports.js';

const BATCH = 100;
/**
 * Records gather this long before every write, so that a busy server stores them in
 * batches: one SQLite commit or one insert command for many records, not one for every
 * call or two. The records that come while a batch is being written gather again before
 * theirs, rather than going out as soon as it is stored: on the shared set-up a write of
 * one record is a MongoDB round trip of its own, a share of every refresh's CPU. A record
 * waits at most this long plus the write before it, as the first record of a quiet moment
 * always has.
 */
const GATHER_MS = 20;

/** A bounded queue drained into one destination, retried after failures, outages logged once. */
export class BoundedSink {
  private readonly queue: AuditEvent[] = [];
  private running: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private gathering: NodeJS.Timeout | null = null;
  private closed = false;
  dropped = 0;

  constructor(
    private readonly write: (batch: readonly AuditEvent[]) => Promise<void>,
    private readonly max: number,
    private readonly retryMs: number,
    private readonly outage: OutageLog,
    private readonly written: (batch: readonly AuditEvent[]) => void = () => {},
  ) {}

  get length(): number {
    return this.queue.length;
  }

  push(events: readonly AuditEvent[]): void {
    for (const event of events) {
      if (this.queue.length >= this.max) this.dropped++;
      else this.queue.push(event);
    }
    this.gather();
  }

  /** Writes until the queue is empty or a write fails (then retries later), gathering nothing more. */
  async drain(): Promise<void> {
    // A gathered write under way may leave records behind it; write them too.
    if (this.running) await this.running;
    if (this.gathering) clearTimeout(this.gathering);
    this.gathering = null;
    this.running ??= this.writeBatches(false).finally(() => {
      this.running = null;
      // A record pushed after the last batch was taken, while this write was still running,
      // found no timer to start: it gathers now rather than wait for the next record.
      this.gather();
    });
    return this.running;
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.gathering) clearTimeout(this.gathering);
    this.retry = null;
    this.gathering = null;
  }

  /**
   * Never in the caller's turn: its answer goes out first, even when the store is
   * synchronous (SQLite). `drain` writes at once what is still gathering.
   */
  private gather(): void {
    if (this.queue.length === 0 || this.running || this.retry || this.gathering || this.closed) return;
    this.gathering = setTimeout(() => {
      this.gathering = null;
      this.running ??= this.writeBatches(true).finally(() => {
        this.running = null;
        this.gather();
      });
    }, GATHER_MS);
    this.gathering.unref();
  }

  /** Writes a batch, and goes on while a whole batch is waiting (or, unless `gathered`, anything). */
  private async writeBatches(gathered: boolean): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, BATCH);
      try {
        await this.write(batch);
      } catch (error) {
        this.outage.failed(error, { queued: this.queue.length });
        if (!this.closed && !this.retry) {
          this.retry = setTimeout(() => {
            this.retry = null;
            void this.drain();
          }, this.retryMs);
          this.retry.unref();
        }
        return;
      }
      this.outage.succeeded();
      this.queue.splice(0, batch.length);
      this.written(batch);
      if (gathered && this.queue.length < BATCH) return;
    }
  }
}
