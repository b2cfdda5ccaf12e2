import { randomUUID } from 'node:crypto';
import { UnavailableError } from '../../domain/kernel/errors.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { OutageLog } from '../../domain/kernel/outage-log.js';
import { RevocationEntries } from '../../domain/revocation/entries.js';
import type { RevocationList, RevocationListSize, RevocationSnapshot, RevocationStatus } from '../../domain/revocation/ports.js';
import { type Refill, type RevocationEpochs, RevocationRefill } from './revocation-refill.js';
import { getEach, onChannelMessage, onConnections, type RedisClient, type RedisCommand, subscribeChannel, writeThenPublish } from './topology.js';

export interface RedisRevocationKeys {
  /** Prefix of the key named by a suspended or deleted client's id; empty by default so a gateway's `GET <id>` sees it. */
  clientKeyPrefix: string;
  /** Prefix of a revoked session's key. */
  sessionKeyPrefix: string;
  /** Sorted set of every live entry, scored by expiry (ms), for loading at start. */
  indexKey: string;
  /** Pub/sub channel on which instances tell each other of changes. */
  syncChannel: string;
  /** Written once the list has been refilled from the stores (see RevocationRefill); its absence means Redis lost the list. */
  markerKey: string;
}

export const DEFAULT_KEYS: Omit<RedisRevocationKeys, 'clientKeyPrefix'> = {
  sessionKeyPrefix: 'clientauth:revoked-session:',
  indexKey: 'clientauth:revocations',
  syncChannel: 'clientauth:revocation-sync',
  markerKey: 'clientauth:revocations-refilled',
};

type Change =
  | { op: 'suspend'; id: string }
  | { op: 'reinstate'; id: string }
  | { op: 'delete'; id: string; until: number }
  | { op: 'session'; id: string; until: number };

const SWEEP_INTERVAL_MS = 60_000;
/** How often an instance checks for a loss that dropped no connection (FLUSHALL), or retries a load that failed. */
const CHECK_INTERVAL_MS = 2_000;

/**
 * The revocation list in Redis, mirrored in each instance's memory.
 *
 * Redis holds the truth: `<prefix><client id>` = "suspended" (no expiry) or "deleted"
 * (expiring), `<session prefix><sid>` = "revoked" (expiring), and an index sorted set to
 * load them all. Each instance loads the index at start and follows changes on a pub/sub
 * channel, so `status` answers from memory. While the subscription is down or re-syncing,
 * `status` asks Redis instead; if Redis cannot answer, it throws (fails closed). It also
 * throws while Redis is not proved to hold the whole list (RevocationRefill): after a loss,
 * after any reconnection, and after a write of this instance failed, until a refill or a
 * replay from the stores has put back what Redis may lack.
 */
export class RedisRevocationList implements RevocationList {
  private entries: RevocationEntries;
  /** Tells this instance's own messages apart from other instances'. */
  private readonly origin = randomUUID();
  private synced = false;
  /** Changes that arrive while a snapshot loads, replayed on top of it. */
  private buffered: Change[] | null = null;
  private readonly sweeper: NodeJS.Timeout;
  private readonly checker: NodeJS.Timeout;
  private readonly sweepLog: OutageLog;
  private readonly checkLog: OutageLog;
  private readonly loadLog: OutageLog;
  private readonly refill: RevocationRefill;

  private constructor(
    private readonly redis: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly keys: RedisRevocationKeys,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    this.entries = new RevocationEntries(now);
    this.sweepLog = new OutageLog(log, 'sweep of the revocation index');
    this.checkLog = new OutageLog(log, 'check of the revocation list in Redis');
    this.loadLog = new OutageLog(log, 'load of the revocation list from Redis');
    this.refill = new RevocationRefill(
      redis,
      keys.markerKey,
      log,
      () => {
        this.entries = new RevocationEntries(now);
      },
      now,
    );
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    this.checker = setInterval(() => void this.checkOrLoad(), CHECK_INTERVAL_MS);
    this.checker.unref();
  }

  /** Subscribes, loads the list and returns once this instance is in sync. */
  static async start(
    redis: RedisClient,
    subscriber: RedisClient,
    keys: RedisRevocationKeys,
    log: Logger,
    now: () => number = Date.now,
  ): Promise<RedisRevocationList> {
    const list = new RedisRevocationList(redis, subscriber, keys, log, now);
    onChannelMessage(subscriber, keys.syncChannel, (message) => list.receive(message));
    subscriber.on('close', () => list.lostSync());
    subscriber.on('ready', () => void list.resync());
    onConnections(redis, { closed: () => list.refill.doubt('a Redis connection dropped'), ready: () => list.reconnected() });
    await list.resync();
    if (!list.synced) throw new Error('could not load the revocation list from Redis');
    return list;
  }

  async status(clientId: string, sessionId: string): Promise<RevocationStatus> {
    if (!this.refill.isTrusted()) throw new UnavailableError('the revocation list');
    if (this.synced) return this.entries.status(clientId, sessionId);
    let values: (string | null)[];
    try {
      values = await getEach(this.redis, [this.clientKey(clientId), this.sessionKey(sessionId), this.keys.markerKey]);
    } catch (error) {
      throw new UnavailableError('the revocation list', { cause: error });
    }
    // An empty Redis answers "not listed" for everyone: without the marker proved, nothing it says counts.
    if (!this.refill.confirm(values[2] ?? null)) throw new UnavailableError('the revocation list');
    if (values[0] === 'suspended') return 'CLIENT_SUSPENDED';
    if (values[0] === 'deleted') return 'CLIENT_DELETED';
    return values[1] !== null && values[1] !== undefined ? 'SESSION_REVOKED' : null;
  }

  async suspendClient(clientId: string): Promise<void> {
    const change: Change = { op: 'suspend', id: clientId };
    this.apply(change);
    await this.write(change, [
      ['SET', this.clientKey(clientId), 'suspended'],
      ['ZADD', this.keys.indexKey, '+inf', `suspended:${clientId}`],
    ]);
  }

  async reinstateClient(clientId: string): Promise<void> {
    const change: Change = { op: 'reinstate', id: clientId };
    this.apply(change);
    await this.write(change, [
      ['ZREM', this.keys.indexKey, `suspended:${clientId}`],
      ['EVAL', DELETE_IF_SUSPENDED, 1, this.clientKey(clientId)],
    ]);
  }

  async markClientDeleted(clientId: string, until: number): Promise<void> {
    const change: Change = { op: 'delete', id: clientId, until };
    if (!this.apply(change)) return;
    await this.write(change, [
      ['SET', this.clientKey(clientId), 'deleted', 'PXAT', until],
      ['ZREM', this.keys.indexKey, `suspended:${clientId}`],
      ['ZADD', this.keys.indexKey, until, `deleted:${clientId}`],
    ]);
  }

  async revokeSession(sessionId: string, until: number): Promise<void> {
    const change: Change = { op: 'session', id: sessionId, until };
    if (!this.apply(change)) return;
    await this.write(change, [
      ['SET', this.sessionKey(sessionId), 'revoked', 'PXAT', until],
      ['ZADD', this.keys.indexKey, until, `session:${sessionId}`],
    ]);
  }

  refillWith(refill: Refill): Promise<void> {
    return this.refill.start(refill);
  }

  /** The epochs of the data set this list proves, for the revocation feed's cursors. */
  get epochs(): RevocationEpochs {
    return this.refill;
  }

  size(): RevocationListSize {
    return this.entries.size();
  }

  /** From memory, only when `status` would answer from memory: in sync, and Redis proved whole. */
  snapshot(): RevocationSnapshot {
    if (!this.synced || !this.refill.isTrusted()) throw new UnavailableError('the revocation list');
    return this.entries.snapshot();
  }

  /** Whether `status` is answering from memory. */
  isSynced(): boolean {
    return this.synced;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.checker);
    this.refill.close();
    this.synced = false;
  }

  private async write(change: Change, commands: RedisCommand[]): Promise<void> {
    try {
      await writeThenPublish(this.redis, commands, this.keys.syncChannel, JSON.stringify({ ...change, origin: this.origin }));
    } catch (error) {
      // This instance holds the change (and the store it came from does); Redis may not.
      this.refill.doubt('a write to Redis failed');
      throw new UnavailableError('the revocation list', { cause: error });
    }
  }

  /** Applies a change to this instance's copy; false when it changed nothing (e.g. it had lapsed). */
  private apply(change: Change): boolean {
    if (this.buffered) this.buffered.push(change);
    switch (change.op) {
      case 'suspend':
        return this.entries.suspend(change.id) !== null;
      case 'reinstate':
        return this.entries.reinstate(change.id);
      case 'delete':
        return this.entries.markDeleted(change.id, change.until) !== null;
      case 'session':
        return this.entries.revokeSession(change.id, change.until) !== null;
    }
  }

  private receive(message: string): void {
    let change: Change & { origin?: string };
    try {
      change = JSON.parse(message) as Change & { origin?: string };
    } catch {
      this.log.warn({}, 'ignored a malformed revocation message');
      return;
    }
    // This instance applied its own changes when it made them; hearing one back later could
    // undo a change it has made since (a suspension echoed after the reinstatement).
    if (change.origin === this.origin) return;
    this.apply(change);
  }

  /** Commands work again: prove Redis now, and load the list if the subscription came back first (its load then failed). */
  private reconnected(): void {
    this.refill.reconnected();
    void this.checkOrLoad();
  }

  /** A load that failed is not retried by the subscription, which is already back: the check does it. */
  private async checkOrLoad(): Promise<void> {
    if (!this.synced && this.subscriber.status === 'ready') await this.resync();
    else await this.checkLog.run(() => this.refill.check());
  }

  private lostSync(): void {
    if (this.synced) this.log.warn({}, 'revocation subscription lost; asking Redis on every check until re-synced');
    this.synced = false;
  }

  /** Subscribes, loads the index, replays what arrived meanwhile, then answers from memory again. */
  private async resync(): Promise<void> {
    if (this.buffered) return;
    this.buffered = [];
    try {
      await subscribeChannel(this.subscriber, this.keys.syncChannel);
      const now = this.now();
      const entries = await this.redis.zrangebyscore(this.keys.indexKey, `(${now}`, '+inf', 'WITHSCORES');
      const buffered = this.buffered;
      this.entries = new RevocationEntries(this.now);
      this.buffered = null;
      for (let i = 0; i < entries.length; i += 2) {
        const member = entries[i]!;
        const score = entries[i + 1] === 'inf' ? Number.POSITIVE_INFINITY : Number(entries[i + 1]);
        const colon = member.indexOf(':');
        const kind = member.slice(0, colon);
        const id = member.slice(colon + 1);
        if (kind === 'suspended') this.apply({ op: 'suspend', id });
        else if (kind === 'deleted') this.apply({ op: 'delete', id, until: score });
        else if (kind === 'session') this.apply({ op: 'session', id, until: score });
      }
      for (const change of buffered) this.apply(change);
      // After the load, so that a refill this starts writes into the copy just loaded.
      await this.refill.check();
      this.synced = this.subscriber.status === 'ready';
      if (this.synced) this.log.info(this.entries.size(), 'revocation list in sync');
      this.loadLog.succeeded();
    } catch (error) {
      this.buffered = null;
      this.synced = false;
      this.loadLog.failed(error);
    }
  }

  private async sweep(): Promise<void> {
    this.entries.sweep();
    await this.sweepLog.run(() => this.redis.zremrangebyscore(this.keys.indexKey, '-inf', this.now()));
  }

  private clientKey(clientId: string): string {
    return this.keys.clientKeyPrefix + clientId;
  }

  private sessionKey(sessionId: string): string {
    return this.keys.sessionKeyPrefix + sessionId;
  }
}

/** Reinstating must not remove a deletion mark that took the key's place. */
const DELETE_IF_SUSPENDED = "if redis.call('GET', KEYS[1]) == 'suspended' then return redis.call('DEL', KEYS[1]) end return 0";
