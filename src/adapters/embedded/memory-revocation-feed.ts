import { compareCursors, cursorTime, isCursor } from '../../domain/revocation/feed.js';
import type { NewRevocationEvent, RevocationEvent, RevocationFeed } from '../../domain/revocation/ports.js';

/**
 * The revocation feed of a single instance: events in memory for `retentionMs`, listeners
 * told at once. Like the rest of the embedded set-up, it serves one instance only.
 */
export class MemoryRevocationFeed implements RevocationFeed {
  private readonly events: RevocationEvent[] = [];
  private readonly listeners = new Set<(event: RevocationEvent) => void>();
  private lastTime = 0;
  private sequence = 0;
  /** Cursors from before this were never this feed's: a watcher holding one needs a snapshot. */
  private readonly startedAt: string;

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = `${now()}-0`;
  }

  async append(event: NewRevocationEvent): Promise<void> {
    const time = Math.max(this.now(), this.lastTime);
    this.sequence = time === this.lastTime ? this.sequence + 1 : 1;
    this.lastTime = time;
    const stored: RevocationEvent = { ...event, cursor: `${time}-${this.sequence}` };
    this.events.push(stored);
    this.trim();
    for (const listener of this.listeners) listener(stored);
  }

  async since(cursor: string): Promise<RevocationEvent[] | null> {
    this.trim();
    if (!isCursor(cursor) || compareCursors(cursor, this.startedAt) < 0) return null;
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
