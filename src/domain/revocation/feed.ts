/**
 * The revocation feed: every change of the revocation list (and of a client's groups) as
 * an ordered, resumable stream of events, for gateways that verify tokens themselves.
 */

import { describeError } from '../kernel/error-text.js';
import type { Logger } from '../kernel/logger.js';
import type {
  NewRevocationEvent,
  RevocationEventType,
  RevocationFeed,
  RevocationList,
  RevocationListSize,
  RevocationSnapshot,
  RevocationStatus,
} from './ports.js';

/** `<epoch>:<ms>-<sequence>`; cursors of earlier versions had no epoch. */
const CURSOR = /^(?:([0-9a-f]{1,32}):)?(\d{1,15})-(\d{1,15})$/;

/**
 * A cursor names a feed's epoch and a position in its log (`<ms>-<sequence>`, as Redis
 * stream ids are). The epoch changes whenever the log may have lost events (the store
 * behind it lost its data, or the feed is another process's), so a cursor of another
 * epoch cannot be resumed from. True when the text is a cursor, of any epoch or of none.
 */
export function isCursor(text: string): boolean {
  return CURSOR.test(text);
}

/** The cursor at `position` in the log of `epoch` (an empty epoch: a cursor no feed resumes from). */
export function makeCursor(epoch: string, position: string): string {
  return epoch === '' ? position : `${epoch}:${position}`;
}

/** The epoch of a cursor; empty for a cursor of an earlier version, which no feed resumes from. */
export function cursorEpoch(cursor: string): string {
  return CURSOR.exec(cursor)?.[1] ?? '';
}

/** The position of a cursor in its epoch's log: `<ms>-<sequence>`. */
export function cursorPosition(cursor: string): string {
  const match = CURSOR.exec(cursor);
  return match ? `${match[2]}-${match[3]}` : '0-0';
}

/** The millisecond a cursor was made at. */
export function cursorTime(cursor: string): number {
  return Number(CURSOR.exec(cursor)?.[2] ?? 0);
}

/** Orders two cursors of one epoch by their position. */
export function compareCursors(a: string, b: string): number {
  const [am, as] = cursorPosition(a).split('-').map(Number) as [number, number];
  const [bm, bs] = cursorPosition(b).split('-').map(Number) as [number, number];
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

  /** Passed through: the caller decides which of its writes go through this list, and so are announced. */
  refillWith(refill: (since?: number) => Promise<void>): Promise<void> {
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
      this.log.warn({ type, err: describeError(error) }, 'revocation event not appended to the feed');
      throw error;
    }
  }
}
