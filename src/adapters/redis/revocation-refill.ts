import { randomBytes } from 'node:crypto';
import type { Logger } from '../../domain/kernel/logger.js';
import { OutageLog } from '../../domain/kernel/outage-log.js';
import { type RedisClient, serverIdentity } from './topology.js';

const RETRY_MS = 1000;
/**
 * How far before an outage was noticed a replay reaches back. A use case stamps its store
 * write before it writes the list, and that write fails a few store calls (each bounded by
 * the driver's timeouts) and at most Redis's 2 s command timeout later.
 */
const REPLAY_MARGIN_MS = 60_000;
/** Longer than any refill; a key left by an instance that died mid-refill then goes by itself. */
const REFILLING_TTL_MS = 3_600_000;

/** How the list refills itself: everything (no argument), or what changed from `since` (ms since the epoch) on. */
export type Refill = (since?: number) => Promise<void>;

/**
 * The epoch of the Redis data set the list has proved: the revocation feed tags its cursors
 * with it, and a cursor of another epoch cannot be resumed (its log may be lost).
 */
export interface RevocationEpochs {
  /** The key whose value vouches for the data set (see RevocationRefill). */
  readonly markerKey: string;
  /** The epoch now, or null while the list is not sure of Redis (a refill or a replay is due). */
  current(): string | null;
  /** Tells `listener` of each new epoch, once the list has proved it. */
  onChange(listener: (epoch: string) => void): void;
  /** Compares a marker just read with the one proved; a different one counts as a loss. True when they match. */
  confirm(marker: string | null): boolean;
}

/**
 * Decides when the revocation list may trust Redis, and has it refilled or replayed when not.
 *
 * Redis can come back empty (restarted without persistence), be another server (a failover,
 * a restore from an older snapshot), or be the same server that missed writes while it could
 * not be reached. The first two show as a changed `run_id` in INFO (of any master, on a
 * Cluster) or a marker key that is missing or not the one this instance proved: the marker,
 * `<epoch>@<run id>`, is set only by a refill that completed with no loss under it, and kept
 * by every later refill on the same server, so instances agree on it. Those need a full
 * refill. The third shows as a dropped connection or a failed write of this instance: once
 * Redis is proved the same server, what the stores changed from shortly before the trouble
 * on is replayed. Until then the list is not trusted (it fails closed); a refill or replay
 * that fails is retried every second.
 */
export class RevocationRefill implements RevocationEpochs {
  private refill: Refill | null = null;
  /** A full refill is due: from start until the first one, and from a noticed loss until the next one. */
  private due = true;
  /** Redis may have missed writes made since then (ms): a replay is due. */
  private doubtSince: number | null = null;
  /** Count noticed losses and doubts, so a refill that overlapped one does not count as covering it. */
  private losses = 0;
  private doubts = 0;
  private running: Promise<Error | null> | null = null;
  /** The identity of the data set, and the marker proved on it. */
  private runId: string | null = null;
  private marker: string | null = null;
  private retry: NodeJS.Timeout | null = null;
  private readonly failures: OutageLog;
  private readonly epochListeners: Array<(epoch: string) => void> = [];

  constructor(
    private readonly redis: RedisClient,
    readonly markerKey: string,
    private readonly log: Logger,
    /** Called when a loss is noticed, before the refill: the list forgets what it held. */
    private readonly onLost: () => void,
    private readonly now: () => number,
  ) {
    this.failures = new OutageLog(log, 'refill of the revocation list');
  }

  /** Whether the list may answer: no refill or replay is due. */
  isTrusted(): boolean {
    return !this.due && this.doubtSince === null;
  }

  current(): string | null {
    return this.isTrusted() && this.marker !== null ? epochOf(this.marker) : null;
  }

  onChange(listener: (epoch: string) => void): void {
    this.epochListeners.push(listener);
  }

  /** Sets the refill and runs it now; rejects with its error when it fails (it is retried). */
  async start(refill: Refill): Promise<void> {
    this.refill = refill;
    const error = await this.run();
    if (error) throw error;
  }

  /**
   * Asks Redis whether it is still the data set proved; when it is not, forgets the list and
   * refills it; when it is and a replay is due, runs it. Rejects when Redis cannot be asked.
   */
  async check(): Promise<void> {
    const [runId, marker] = await Promise.all([serverIdentity(this.redis), this.redis.get(this.markerKey)]);
    // While a refill is due the marker may be missing by design; the pending refill covers it.
    if (this.refill === null || this.due) return;
    if (runId !== this.runId) this.lost('Redis was replaced or restarted');
    else if (this.confirm(marker) && this.doubtSince !== null) void this.run();
  }

  confirm(marker: string | null): boolean {
    if (this.refill === null || this.due) return false;
    if (marker === this.marker) return true;
    this.lost(marker === null ? 'the revocation list is missing from Redis' : 'the revocation list in Redis was rebuilt after a loss');
    return false;
  }

  /**
   * Redis may have missed a write of this instance (a connection dropped, a write failed):
   * the list fails closed until Redis is proved the same and what changed since is replayed.
   */
  doubt(why: string): void {
    if (this.refill === null) return;
    if (this.doubtSince === null) {
      this.doubtSince = this.now();
      if (!this.due) this.log.warn({ why }, 'Redis may have missed revocations; failing closed until they are replayed from the stores');
    }
    this.doubts++;
    void this.run();
  }

  /** A connection is usable again: prove Redis now rather than at the next retry. */
  reconnected(): void {
    if (this.refill !== null && !this.isTrusted()) void this.run();
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

  /** One refill or replay at a time; anything noticed meanwhile waits for it and runs another. */
  private run(): Promise<Error | null> {
    const previous = this.running ?? Promise.resolve(null);
    const next = previous.then(() => this.attempt());
    this.running = next;
    return next;
  }

  private async attempt(): Promise<Error | null> {
    if (this.refill === null || this.isTrusted()) return null;
    const { losses, doubts, doubtSince } = this;
    try {
      const runId = await serverIdentity(this.redis);
      if (this.due) await this.refillAll(this.refill, runId);
      else if (!(await this.replay(this.refill, runId, doubtSince!))) return null;
      if (losses === this.losses) {
        this.due = false;
        if (doubts === this.doubts) this.doubtSince = null;
      }
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

  /** Refills everything, then claims the marker, unless Redis lost the list or was replaced meanwhile (then it throws, to be retried). */
  private async refillAll(refill: Refill, runId: string): Promise<void> {
    const epoch = randomBytes(8).toString('hex');
    // The braces put it in the marker's hash slot, so one script reads both on a Cluster.
    const refilling = `{${this.markerKey}}:refilling:${epoch}`;
    await this.redis.set(refilling, '1', 'PX', REFILLING_TTL_MS);
    await refill();
    if ((await serverIdentity(this.redis)) !== runId) throw new Error('Redis was replaced during the refill');
    const marker = (await this.redis.eval(CLAIM_MARKER, 2, this.markerKey, refilling, runId, epoch)) as string | null;
    if (marker === null) throw new Error('Redis lost the revocation list during the refill');
    this.prove(runId, marker);
  }

  /** Replays what changed from shortly before `since` on; false (and a refill is due) when Redis is not the data set proved. */
  private async replay(refill: Refill, runId: string, since: number): Promise<boolean> {
    const marker = await this.redis.get(this.markerKey);
    if (runId !== this.runId) {
      this.lost('Redis was replaced or restarted');
      return false;
    }
    if (!this.confirm(marker)) return false;
    await refill(since - REPLAY_MARGIN_MS);
    return true;
  }

  private prove(runId: string, marker: string): void {
    this.runId = runId;
    if (marker === this.marker) return;
    this.marker = marker;
    for (const listener of this.epochListeners) listener(epochOf(marker));
  }
}

function epochOf(marker: string): string {
  return marker.slice(0, marker.indexOf('@'));
}

/**
 * Claims the marker for a refill that has just completed on the server named ARGV[1]: not
 * when its in-progress key (KEYS[2]) is gone (Redis lost the list under it); keeping the
 * marker another refill set on this same server, so that every instance agrees on one;
 * otherwise a new `<ARGV[2]>@<ARGV[1]>`. Returns the marker in force, or nil.
 */
const CLAIM_MARKER = `
if redis.call('DEL', KEYS[2]) == 0 then return false end
local current = redis.call('GET', KEYS[1])
if current then
  local at = string.find(current, '@', 1, true)
  if at and string.sub(current, at + 1) == ARGV[1] then return current end
end
local marker = ARGV[2] .. '@' .. ARGV[1]
redis.call('SET', KEYS[1], marker)
return marker`;
