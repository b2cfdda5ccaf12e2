import type { Logger } from '../../domain/kernel/logger.js';
import { OutageLog } from '../../domain/kernel/outage-log.js';
import { type RedisClient, serverIdentity } from './topology.js';

const RETRY_MS = 1000;

/**
 * Tells when the Redis behind a revocation list has lost the list, and has it refilled.
 *
 * Redis can come back empty (restarted without persistence) or be another server (a
 * failover, a restore from an older snapshot). Either shows as a changed `run_id` in
 * INFO (of any master, on a Cluster), or as a missing marker key: the marker is written, holding the run id, only
 * once a refill has completed, so a Redis without it has not been refilled since it was
 * emptied. While a refill is due the list must fail closed; a refill that fails is
 * retried every second.
 */
export class RevocationRefill {
  private refill: (() => Promise<void>) | null = null;
  /** True from start until the first refill, and from a noticed loss until the next one. */
  private due = true;
  private running: Promise<Error | null> | null = null;
  private runId: string | null = null;
  /** Counts noticed losses, so a refill that overlapped one does not count as done. */
  private losses = 0;
  private retry: NodeJS.Timeout | null = null;
  private readonly failures: OutageLog;

  constructor(
    private readonly redis: RedisClient,
    private readonly markerKey: string,
    private readonly log: Logger,
    /** Called when a loss is noticed, before the refill: the list forgets what it held. */
    private readonly onLost: () => void,
  ) {
    this.failures = new OutageLog(log, 'refill of the revocation list');
  }

  /** Whether the list must fail closed because a refill is due. */
  isDue(): boolean {
    return this.due;
  }

  /** Sets the refill and runs it now; rejects with its error when it fails (it is retried). */
  async start(refill: () => Promise<void>): Promise<void> {
    this.refill = refill;
    const error = await this.run();
    if (error) throw error;
  }

  /**
   * Asks Redis whether it is still the server that was refilled; when it is not, forgets
   * the list and refills it. Rejects when Redis cannot be asked.
   */
  async check(): Promise<void> {
    const [runId, marker] = await Promise.all([serverIdentity(this.redis), this.redis.get(this.markerKey)]);
    const replaced = this.runId !== null && runId !== this.runId;
    this.runId = runId;
    if (this.refill === null) return;
    if (replaced) this.lost('Redis was replaced or restarted');
    // While a refill is due the marker is missing by design; the pending refill covers it.
    else if (marker === null && !this.due) this.lost('the revocation list is missing from Redis');
  }

  /** Seen by a read that found the marker gone: the same as a failed check. */
  markerMissing(): void {
    if (this.refill !== null && !this.due) this.lost('the revocation list is missing from Redis');
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.refill = null;
  }

  private lost(why: string): void {
    if (!this.due) this.log.warn({ why }, 'revocation list lost; failing closed until it is refilled from the stores');
    this.due = true;
    this.losses++;
    this.onLost();
    void this.run();
  }

  /** One refill at a time; a loss noticed meanwhile waits for it and runs another. */
  private run(): Promise<Error | null> {
    const previous = this.running ?? Promise.resolve(null);
    const next = previous.then(() => this.attempt());
    this.running = next;
    return next;
  }

  private async attempt(): Promise<Error | null> {
    if (this.refill === null || !this.due) return null;
    const losses = this.losses;
    try {
      const runId = await serverIdentity(this.redis);
      await this.refill();
      await this.redis.set(this.markerKey, runId);
      this.runId = runId;
      if (losses !== this.losses) return null;
      this.due = false;
      this.failures.succeeded();
      return null;
    } catch (error) {
      this.failures.failed(error);
      if (this.retry === null && this.refill !== null) {
        this.retry = setTimeout(() => {
          this.retry = null;
          void this.run();
        }, RETRY_MS);
        this.retry.unref();
      }
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}
