import type { ClientStore } from '../../domain/clients/ports.js';
import { describeError } from '../../domain/kernel/error-text.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { OutageLog } from '../../domain/kernel/outage-log.js';
import { CachingClientStore } from '../caching-client-store.js';
import type { RecordCacheLimits } from '../record-cache.js';
import { onChannelMessage, publishInOrder, type RedisClient, subscribeChannel } from './topology.js';

/** The channel on which instances name the clients whose records changed (the bare id). */
export const CLIENT_CHANGES_CHANNEL = 'clientauth:client-changed';

/** How often an announcement that Redis refused is tried again. */
const RETRY_MS = 1000;

/**
 * A ClientStore that keeps the records `findById` reads in this instance's memory
 * (RecordCache), so that GetMe, the admin check, refresh and client credentials need
 * no MongoDB read for a client already seen. See docs/adr/0015-client-record-cache.md.
 *
 * Every change of a client goes through some instance's ClientStore; this one forgets the
 * record at once and then names the client on CLIENT_CHANGES_CHANNEL, before the change's
 * caller gets its answer, and every instance forgets what it hears named. The cache is kept
 * only while the subscription is up: when the subscriber connection drops, the cache is
 * dropped whole and every read goes to the store until the channel is subscribed again,
 * since what was announced meanwhile is lost. An announcement Redis refuses is tried again
 * every second (the store's change stands; failing the caller would leave the rest of its
 * work, such as a suspension's revocations, undone), and a record older than
 * `maxAgeMs` is read again in any case, which bounds what a lost announcement or a change
 * made behind the service's back can leave stale.
 */
export class CachedClientStore extends CachingClientStore {
  private readonly unannounced = new Set<string>();
  private retry: NodeJS.Timeout | null = null;
  private readonly announceLog: OutageLog;
  private closed = false;

  private constructor(
    store: ClientStore,
    private readonly redis: RedisClient,
    private readonly subscriber: RedisClient,
    limits: RecordCacheLimits,
    private readonly log: Logger,
  ) {
    super(store, limits);
    this.announceLog = new OutageLog(log, 'announcement of client changes on Redis');
  }

  /** Subscribes to the changes, then keeps records; resolves once it does. */
  static async start(store: ClientStore, redis: RedisClient, subscriber: RedisClient, limits: RecordCacheLimits, log: Logger): Promise<CachedClientStore> {
    const cached = new CachedClientStore(store, redis, subscriber, limits, log);
    onChannelMessage(subscriber, CLIENT_CHANGES_CHANNEL, (id) => cached.cache.invalidate(id));
    subscriber.on('close', () => cached.lostSubscription());
    subscriber.on('ready', () => void cached.subscribe());
    await cached.subscribe();
    return cached;
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.cache.disable();
  }

  /**
   * Makes the change, then forgets the record here and names it to every instance. Also
   * when the change failed: a write that timed out may have been made all the same.
   */
  protected override async changing<T>(id: string, change: () => Promise<T>): Promise<T> {
    try {
      return await super.changing(id, change);
    } finally {
      await this.announce(id);
    }
  }

  private async announce(id: string): Promise<void> {
    try {
      await publishInOrder(this.redis, CLIENT_CHANGES_CHANNEL, id);
      this.announceLog.succeeded();
    } catch (error) {
      this.announceLog.failed(error, { clientId: id });
      this.unannounced.add(id);
      this.retry ??= setTimeout(() => void this.announceAgain(), RETRY_MS);
      this.retry.unref();
    }
  }

  private async announceAgain(): Promise<void> {
    this.retry = null;
    if (this.closed) return;
    const ids = [...this.unannounced];
    this.unannounced.clear();
    for (const id of ids) await this.announce(id);
  }

  private lostSubscription(): void {
    if (this.cache.isEnabled()) this.log.warn({}, 'client change subscription lost; reading every client from the store until it is back');
    this.cache.disable();
  }

  private async subscribe(): Promise<void> {
    if (this.closed) return;
    try {
      await subscribeChannel(this.subscriber, CLIENT_CHANGES_CHANNEL);
      // Only if the connection that subscribed is still the one up: a drop since then lost the subscription.
      if (this.subscriber.status === 'ready' && !this.closed) this.cache.enable();
    } catch (error) {
      this.cache.disable();
      this.log.warn({ err: describeError(error) }, 'could not subscribe to client changes; reading every client from the store');
    }
  }
}
