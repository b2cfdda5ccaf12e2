import { randomBytes } from 'node:crypto';
import { compareCursors, cursorEpoch, cursorTime, isCursor, makeCursor } from '../../domain/revocation/feed.js';
import type { NewRevocationEvent, RevocationEvent, RevocationFeed } from '../../domain/revocation/ports.js';

/**
 * The revocation feed of a single instance: events in memory for `retentionMs`, listeners
 * told at once. Like the rest of the embedded set-up, it serves one instance only. Its
 * epoch is drawn at random when it starts: the events of an earlier process are gone, so
 * none of its cursors can be resumed from, and the epoch never changes while it runs.
 */
export class MemoryRevocationFeed implements RevocationFeed {
  private readonly events: RevocationEvent[] = [];
  private readonly listeners = new Set<(event: RevocationEvent) => void>();
  private lastTime = 0;
  private sequence = 0;
  private readonly epoch = randomBytes(8).toString('hex');
  /** Before every event of this feed: where a watcher of a feed still empty stands. */
  private readonly startedAt: string;

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = makeCursor(this.epoch, `${now()}-0`);
  }

  async append(event: NewRevocationEvent): Promise<void> {
    const time = Math.max(this.now(), this.lastTime);
    this.sequence = time === this.lastTime ? this.sequence + 1 : 1;
    this.lastTime = time;
    const stored: RevocationEvent = { ...event, cursor: makeCursor(this.epoch, `${time}-${this.sequence}`) };
    this.events.push(stored);
    this.trim();
    for (const listener of this.listeners) listener(stored);
  }

  async since(cursor: string): Promise<RevocationEvent[] | null> {
    this.trim();
    if (!isCursor(cursor) || cursorEpoch(cursor) !== this.epoch) return null;
    if (cursorTime(cursor) < this.now() - this.retentionMs) return null;
    return this.events.filter((event) => compareCursors(event.cursor, cursor) > 0);
  }

  async head(): Promise<string> {
    return this.events[this.events.length - 1]?.cursor ?? this.startedAt;
  }

  subscribe(listener: (event: RevocationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private trim(): void {
    const oldest = this.now() - this.retentionMs;
    let drop = 0;
    while (drop < this.events.length && cursorTime(this.events[drop]!.cursor) < oldest) drop++;
    if (drop > 0) this.events.splice(0, drop);
  }
}
