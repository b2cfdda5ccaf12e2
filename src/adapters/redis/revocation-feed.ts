import { describeError } from '../../domain/kernel/error-text.js';
import { UnavailableError } from '../../domain/kernel/errors.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { compareCursors, cursorEpoch, cursorPosition, cursorTime, isCursor, makeCursor } from '../../domain/revocation/feed.js';
import type { NewRevocationEvent, RevocationEvent, RevocationFeed } from '../../domain/revocation/ports.js';
import { closeRedis } from './redis-connect.js';
import type { RevocationEpochs } from './revocation-refill.js';
import type { RedisClient } from './topology.js';

export const DEFAULT_FEED_KEY = 'clientauth:revocation-feed';

/** Under the connection's 2 s command timeout, so a quiet feed is never mistaken for an outage. */
const BLOCK_MS = 1000;
const RETRY_MS = 500;

interface Subscription {
  event: (event: RevocationEvent) => void;
  restart?: (() => void) | undefined;
}

/**
 * The revocation feed in a Redis Stream: `XADD` appends (trimming entries older than the
 * retention with MINID), and each instance follows the stream with a blocking `XREAD` on a
 * connection of its own, so an event appended by any instance reaches this one's watchers
 * as soon as Redis has it.
 *
 * A cursor is the stream id in the epoch of the revocation list's data set
 * (RevocationEpochs): the stream lives and dies with that data set, so when Redis loses it
 * (restarted empty, a failover to a replica that lacked the last entries, a flush) the list
 * refills under a new epoch, and every cursor handed out before is answered with a snapshot.
 * The cursor's entries are vouched for only while the list trusts Redis and the marker read
 * with them is still the one it proved.
 */
export class RedisRevocationFeed implements RevocationFeed {
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  private readonly following: Promise<void>;
  /** The epoch of the events the follower reads: the last one the list proved ('' before the first). */
  private epoch: string;
  /** Set when the stream may have gone back (a new epoch): the follower finds its place again. */
  private reposition = false;

  private constructor(
    private readonly redis: RedisClient,
    private readonly reader: RedisClient,
    private readonly key: string,
    private readonly retentionMs: number,
    private readonly epochs: RevocationEpochs,
    private readonly log: Logger,
    private readonly now: () => number,
    start: string,
  ) {
    this.epoch = epochs.current() ?? '';
    epochs.onChange((epoch) => this.restart(epoch));
    this.following = this.follow(start);
  }

  /** Starts following the stream from its current end. `reader` is used for nothing else: XREAD blocks it. */
  static async start(
    redis: RedisClient,
    reader: RedisClient,
    options: { key: string; retentionMs: number; epochs: RevocationEpochs; log: Logger; now?: () => number },
  ): Promise<RedisRevocationFeed> {
    const now = options.now ?? Date.now;
    const newest = await redis.xrevrange(options.key, '+', '-', 'COUNT', 1);
    return new RedisRevocationFeed(redis, reader, options.key, options.retentionMs, options.epochs, options.log, now, newest[0]?.[0] ?? '0-0');
  }

  async append(event: NewRevocationEvent): Promise<void> {
    try {
      await this.redis.xadd(this.key, 'MINID', '~', String(this.now() - this.retentionMs), '*', 'event', JSON.stringify(event));
    } catch (error) {
      throw new UnavailableError('the revocation feed', { cause: error });
    }
  }

  async since(cursor: string): Promise<RevocationEvent[] | null> {
    const epoch = this.epochs.current();
    if (epoch === null || !isCursor(cursor) || cursorEpoch(cursor) !== epoch) return null;
    if (cursorTime(cursor) < this.now() - this.retentionMs) return null;
    let marker: string | null;
    let entries: Array<[string, string[]]>;
    try {
      // MINID trims only entries older than the retention, so the stream still holds everything after this cursor.
      [marker, entries] = await Promise.all([this.redis.get(this.epochs.markerKey), this.redis.xrange(this.key, `(${cursorPosition(cursor)}`, '+')]);
    } catch (error) {
      throw new UnavailableError('the revocation feed', { cause: error });
    }
    // Redis may have lost the stream since the list last looked: only the marker proved vouches for it.
    if (!this.epochs.confirm(marker) || this.epochs.current() !== epoch) return null;
    return entries.map((entry) => parseEntry(entry, epoch));
  }

  async head(): Promise<string> {
    const epoch = this.epochs.current();
    if (epoch === null) throw new UnavailableError('the revocation feed');
    try {
      const newest = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
      // An empty stream: before every entry Redis will number, whatever its clock says.
      return makeCursor(epoch, newest[0]?.[0] ?? '0-0');
    } catch (error) {
      throw new UnavailableError('the revocation feed', { cause: error });
    }
  }

  subscribe(listener: (event: RevocationEvent) => void, onRestart?: () => void): () => void {
    const subscription: Subscription = { event: listener, restart: onRestart };
    this.subscriptions.add(subscription);
    return () => this.subscriptions.delete(subscription);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscriptions.clear();
    closeRedis(this.reader);
    await this.following;
  }

  /** A new epoch: nothing delivered so far can be continued; events from now on carry the new epoch. */
  private restart(epoch: string): void {
    if (epoch === this.epoch) return;
    this.epoch = epoch;
    this.reposition = true;
    for (const subscription of [...this.subscriptions]) subscription.restart?.();
  }

  private async follow(start: string): Promise<void> {
    let last = start;
    let failing = false;
    while (!this.closed) {
      try {
        if (this.reposition || failing) {
          this.reposition = false;
          last = await this.placeAfter(last);
        }
        const answer = (await this.reader.xread('BLOCK', BLOCK_MS, 'STREAMS', this.key, last)) as Array<[string, Array<[string, string[]]>]> | null;
        if (failing) this.log.info({}, 'revocation feed reachable again');
        failing = false;
        for (const [id, fields] of answer?.[0]?.[1] ?? []) {
          last = id;
          const event = parseEntry([id, fields], this.epoch);
          for (const subscription of this.subscriptions) subscription.event(event);
        }
      } catch (error) {
        if (this.closed) return;
        if (!failing) this.log.warn({ err: describeError(error) }, 'revocation feed unreachable; watchers get what they missed once it is back');
        failing = true;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /**
   * Where to read from after `last` once the stream may have gone back (emptied, or a
   * replica's shorter copy): new entries are numbered after the stream's own newest, which
   * can be before `last`, and reading after `last` would skip them.
   */
  private async placeAfter(last: string): Promise<string> {
    const newest = (await this.reader.xrevrange(this.key, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    return compareCursors(newest, last) < 0 ? newest : last;
  }
}

function parseEntry([id, fields]: [string, string[]], epoch: string): RevocationEvent {
  const json = fields[fields.indexOf('event') + 1] ?? '{}';
  return { ...(JSON.parse(json) as NewRevocationEvent), cursor: makeCursor(epoch, id) };
}
