/**
 * The revocation feed: every change of the revocation list (and of a client's groups) as
 * an ordered, resumable stream of events, for gateways that verify tokens themselves.
 */
import type { Logger } from './logger.js';
import { describe } from './describe-error.js';
import type { RevocationList, RevocationListSize, RevocationSnapshot, RevocationStatus } from './ports.js';

export type RevocationEventType = 'client.suspended' | 'client.reinstated' | 'client.deleted' | 'session.revoked' | 'client.groups_changed';

/** One change, as every watcher receives it. */
export interface RevocationEvent {
  /** Orders events; a watcher resumes after the last cursor it saw. */
  cursor: string;
  type: RevocationEventType;
  /** Empty for a session event. */
  clientId: string;
  /** Empty for a client event. */
  sessionId: string;
  /** When the entry stops mattering (ms since the epoch): every token it refuses has expired by then. Null: until lifted. */
  until: number | null;
  /** client.groups_changed: the client's groups from now on. */
  groups: string[];
  at: number;
}

export type NewRevocationEvent = Omit<RevocationEvent, 'cursor'>;

/**
 * The shared, ordered log of revocation events.
 * - `append` resolves once the event is in the log every instance reads.
 * - `subscribe` calls the listener, in cursor order, with every event appended by any
 *   instance after the subscription began (within 100 ms on a healthy network).
 * - `since(cursor)` returns the events after `cursor`, oldest first, or null when the log
 *   no longer reaches back that far (the watcher then needs a snapshot).
 * - `head` is the cursor of the newest event (or a cursor before every future one).
 * - Cursors compare with `compareCursors`; a malformed cursor makes `since` return null.
 */
export interface RevocationFeed {
  append(event: NewRevocationEvent): Promise<void>;
  since(cursor: string): Promise<RevocationEvent[] | null>;
  head(): Promise<string>;
  subscribe(listener: (event: RevocationEvent) => void): () => void;
  close(): Promise<void>;
}

const CURSOR = /^(\d{1,15})-(\d{1,15})$/;

/** Cursors are `<ms>-<sequence>`, as Redis stream ids are; true when the text is one. */
export function isCursor(text: string): boolean {
  return CURSOR.test(text);
}

/** The millisecond a cursor was made at. */
export function cursorTime(cursor: string): number {
  return Number(CURSOR.exec(cursor)?.[1] ?? 0);
}

export function compareCursors(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}

/**
 * A RevocationList that also appends each change that changed something to the feed, so
 * every path that revokes (suspension, deletion, logout, reuse, password change, the
 * relay's retries) is fed without knowing of the feed. A change is appended after the list
 * accepted it, every time: watchers apply events idempotently, and a retried change (the
 * relay retries until both accept it) must not be skipped because the list already has it.
 * A feed that cannot be reached fails the change as the list would, so the caller retries.
 */
export class FeedingRevocationList implements RevocationList {
  constructor(
    private readonly list: RevocationList,
    private readonly feed: RevocationFeed,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  status(clientId: string, sessionId: string): Promise<RevocationStatus> {
    return this.list.status(clientId, sessionId);
  }

  async suspendClient(clientId: string): Promise<void> {
    await this.list.suspendClient(clientId);
    await this.append('client.suspended', { clientId });
  }

  async reinstateClient(clientId: string): Promise<void> {
    await this.list.reinstateClient(clientId);
    await this.append('client.reinstated', { clientId });
  }

  async markClientDeleted(clientId: string, until: number): Promise<void> {
    await this.list.markClientDeleted(clientId, until);
    await this.append('client.deleted', { clientId, until });
  }

  async revokeSession(sessionId: string, until: number): Promise<void> {
    await this.list.revokeSession(sessionId, until);
    await this.append('session.revoked', { sessionId, until });
  }

  /** A refill restores what the stores hold, which watchers already had: it is not announced. */
  refillWith(refill: () => Promise<void>): Promise<void> {
    return this.list.refillWith(refill);
  }

  size(): RevocationListSize {
    return this.list.size();
  }

  snapshot(): RevocationSnapshot {
    return this.list.snapshot();
  }

  close(): Promise<void> {
    return this.list.close();
  }

  /** Tells the watchers that a client's groups changed, so tokens carrying the old ones can be refused. */
  groupsChanged(clientId: string, groups: string[]): Promise<void> {
    return this.append('client.groups_changed', { clientId, groups });
  }

  private async append(type: RevocationEventType, fields: Partial<NewRevocationEvent>): Promise<void> {
    const event: NewRevocationEvent = { type, clientId: '', sessionId: '', until: null, groups: [], at: this.now(), ...fields };
    try {
      await this.feed.append(event);
    } catch (error) {
      this.log.warn({ type, err: describe(error) }, 'revocation event not appended to the feed');
      throw error;
    }
  }
}
