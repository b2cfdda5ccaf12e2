import { describeError } from '../../domain/kernel/error-text.js';
import { UnavailableError } from '../../domain/kernel/errors.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { cursorTime, isCursor } from '../../domain/revocation/feed.js';
import type { NewRevocationEvent, RevocationEvent, RevocationFeed } from '../../domain/revocation/ports.js';
import type { RedisClient } from './topology.js';

export const DEFAULT_FEED_KEY = 'clientauth:revocation-feed';

/** Under the connection's 2 s command timeout, so a quiet feed is never mistaken for an outage. */
const BLOCK_MS = 1000;
const RETRY_MS = 500;

/**
 * The revocation feed in a Redis Stream: `XADD` appends (trimming entries older than the
 * retention with MINID), the stream ids are the cursors, and each instance follows the
 * stream with a blocking `XREAD` on a connection of its own, so an event appended by any
 * instance reaches this one's watchers as soon as Redis has it.
 */
export class RedisRevocationFeed implements RevocationFeed {
  private readonly listeners = new Set<(event: RevocationEvent) => void>();
  private closed = false;
  private readonly following: Promise<void>;

  private constructor(
    private readonly redis: RedisClient,
    private readonly reader: RedisClient,
    private readonly key: string,
    private readonly retentionMs: number,
    private readonly log: Logger,
    private readonly now: () => number,
    start: string,
  ) {
    this.following = this.follow(start);
  }

  /** Starts following the stream from its current end. `reader` is used for nothing else: XREAD blocks it. */
  static async start(
    redis: RedisClient,
    reader: RedisClient,
    options: { key: string; retentionMs: number; log: Logger; now?: () => number },
  ): Promise<RedisRevocationFeed> {
    const now = options.now ?? Date.now;
    const newest = await redis.xrevrange(options.key, '+', '-', 'COUNT', 1);
    return new RedisRevocationFeed(redis, reader, options.key, options.retentionMs, options.log, now, newest[0]?.[0] ?? '0-0');
  }

  async append(event: NewRevocationEvent): Promise<void> {
    try {
      await this.redis.xadd(this.key, 'MINID', '~', String(this.now() - this.retentionMs), '*', 'event', JSON.stringify(event));
    } catch (error) {
      throw new UnavailableError('the revocation feed', { cause: error });
    }
  }

  async since(cursor: string): Promise<RevocationEvent[] | null> {
    if (!isCursor(cursor) || cursorTime(cursor) < this.now() - this.retentionMs) return null;
    let entries: Array<[string, string[]]>;
    try {
      // MINID trims only entries older than the retention, so the stream still holds everything after this cursor.
      entries = await this.redis.xrange(this.key, `(${cursor}`, '+');
    } catch (error) {
      throw new UnavailableError('the revocation feed', { cause: error });
    }
    return entries.map(parseEntry);
  }

  async head(): Promise<string> {
    try {
      const newest = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
      return newest[0]?.[0] ?? `${this.now()}-0`;
    } catch (error) {
      throw new UnavailableError('the revocation feed', { cause: error });
    }
  }

  subscribe(listener: (event: RevocationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.reader.disconnect();
    await this.following;
  }

  private async follow(start: string): Promise<void> {
    let last = start;
    let failing = false;
    while (!this.closed) {
      try {
        const answer = (await this.reader.xread('BLOCK', BLOCK_MS, 'STREAMS', this.key, last)) as Array<[string, Array<[string, string[]]>]> | null;
        if (failing) this.log.info({}, 'revocation feed reachable again');
        failing = false;
        for (const [id, fields] of answer?.[0]?.[1] ?? []) {
          last = id;
          const event = parseEntry([id, fields]);
          for (const listener of this.listeners) listener(event);
        }
      } catch (error) {
        if (this.closed) return;
        if (!failing) this.log.warn({ err: describeError(error) }, 'revocation feed unreachable; watchers get what they missed once it is back');
        failing = true;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}

function parseEntry([id, fields]: [string, string[]]): RevocationEvent {
  const json = fields[fields.indexOf('event') + 1] ?? '{}';
  return { ...(JSON.parse(json) as NewRevocationEvent), cursor: id };
}
