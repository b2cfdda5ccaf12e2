/**
 * WatchRevocations: a gateway that verifies tokens itself gets what the revocation list
 * holds, then every change as it happens, and can resume after a disconnection.
 */
import { isAdmin, type Principal } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import { compareCursors, isCursor } from './feed.js';
import type { RevocationEvent, RevocationFeed, RevocationList, RevocationSnapshot } from './ports.js';

/** Service clients in this group may watch; admins grant it with SetClientGroups. */
export const GATEWAY_GROUP = 'gateway';

/**
 * The local revocation list may learn of a change a moment after the feed shows it (it
 * follows another channel), so the events of this last stretch before a snapshot are sent
 * after it as well. Events are idempotent: one applied twice changes nothing.
 */
const SNAPSHOT_OVERLAP_MS = 1000;

export type WatchMessage =
  | { kind: 'snapshot'; snapshot: RevocationSnapshot; cursor: string }
  | { kind: 'event'; event: RevocationEvent }
  /** Sent on a quiet stream so the watcher can tell it from a dead connection; carries the last cursor sent. */
  | { kind: 'heartbeat'; cursor: string; at: number };

export interface RevocationWatchDeps {
  revocations: RevocationList;
  revocationFeed: RevocationFeed;
  /** How often a quiet WatchRevocations stream sends a heartbeat. */
  watchHeartbeatMs: number;
  now: Clock;
}

export class RevocationWatch {
  constructor(private readonly deps: RevocationWatchDeps) {}

  /**
   * Starts a watch: with a `resumeFrom` cursor the feed still reaches, the events after it;
   * otherwise a snapshot. Then every event, in order, and a heartbeat every
   * `heartbeatMs`, until the returned function is called. Admins and service clients in
   * the group "gateway" only.
   */
  async start(caller: Principal, resumeFrom: string, send: (message: WatchMessage) => void): Promise<() => void> {
    if (!isAdmin(caller) && !(caller.kind === 'service' && caller.groups.includes(GATEWAY_GROUP))) {
      throw domainError('PERMISSION_DENIED', 'watching revocations needs the admin group, or a service client in the group "gateway"');
    }
    if (resumeFrom !== '' && !isCursor(resumeFrom)) throw invalidArgument('cursor', 'cursor must be one a previous WatchRevocations message carried');

    let last = '';
    let buffered: RevocationEvent[] | null = [];
    const deliver = (event: RevocationEvent) => {
      if (last !== '' && compareCursors(event.cursor, last) <= 0) return;
      last = event.cursor;
      send({ kind: 'event', event });
    };
    // Subscribed before reading, so nothing appended meanwhile falls between the two.
    const unsubscribe = this.deps.revocationFeed.subscribe((event) => (buffered ? buffered.push(event) : deliver(event)));
    try {
      const missed = resumeFrom === '' ? null : await this.deps.revocationFeed.since(resumeFrom);
      if (missed !== null) {
        last = resumeFrom;
        missed.forEach(deliver);
      } else {
        const head = await this.deps.revocationFeed.head();
        send({ kind: 'snapshot', snapshot: this.deps.revocations.snapshot(), cursor: head });
        const overlap = (await this.deps.revocationFeed.since(`${Math.max(0, this.deps.now() - SNAPSHOT_OVERLAP_MS)}-0`)) ?? [];
        for (const event of overlap) if (compareCursors(event.cursor, head) <= 0) send({ kind: 'event', event });
        last = head;
      }
      const waiting = buffered;
      buffered = null;
      waiting.forEach(deliver);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    const heartbeat = setInterval(() => send({ kind: 'heartbeat', cursor: last, at: this.deps.now() }), this.deps.watchHeartbeatMs);
    return () => {
      clearInterval(heartbeat);
      unsubscribe();
    };
  }
}
