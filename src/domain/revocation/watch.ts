/**
 * WatchRevocations: a gateway that verifies tokens itself gets what the revocation list
 * holds, then every change as it happens, and can resume after a disconnection. A watch
 * lasts only as long as its caller may watch: it ends the moment the caller loses that right.
 */
import type { ClientStore } from '../clients/ports.js';
import { ADMIN_GROUP, type ClientKind, type Principal } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { type DomainError, domainError, invalidArgument, UnavailableError } from '../kernel/errors.js';
import { compareCursors, cursorEpoch, isCursor, makeCursor } from './feed.js';
import type { RevocationEvent, RevocationFeed, RevocationList, RevocationSnapshot } from './ports.js';

/** Service clients in this group may watch; admins grant it with SetClientGroups. */
export const GATEWAY_GROUP = 'gateway';

/**
 * The local revocation list may learn of a change a moment after the feed shows it (it
 * follows another channel), so the events of this last stretch before a snapshot are sent
 * after it as well. Events are idempotent: one applied twice changes nothing.
 */
const SNAPSHOT_OVERLAP_MS = 1000;

/** setTimeout's longest delay; a token lives far less (JWT_TOKEN_EXP_MIN is at most a day). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export type WatchMessage =
  | { kind: 'snapshot'; snapshot: RevocationSnapshot; cursor: string }
  | { kind: 'event'; event: RevocationEvent }
  /** Sent on a quiet stream so the watcher can tell it from a dead connection; carries the last cursor sent. */
  | { kind: 'heartbeat'; cursor: string; at: number };

export interface RevocationWatchDeps {
  revocations: RevocationList;
  revocationFeed: RevocationFeed;
  /** Read once as a watch starts: the caller's stored groups, which its token may no longer match. */
  clients: ClientStore;
  /** How often a quiet WatchRevocations stream sends a heartbeat. */
  watchHeartbeatMs: number;
  now: Clock;
}

/** Who may watch: admins, and service clients in the group "gateway" (a user in it may not). */
export function mayWatch(kind: ClientKind, groups: readonly string[]): boolean {
  return groups.includes(ADMIN_GROUP) || (kind === 'service' && groups.includes(GATEWAY_GROUP));
}

function notAllowed(): DomainError {
  return domainError('PERMISSION_DENIED', 'watching revocations needs the admin group, or a service client in the group "gateway"');
}

/**
 * What a live event means for the watch of `caller`: the error that ends it when the event
 * takes the caller's right away (its client suspended or deleted, its session revoked, its
 * groups changed to ones that may not watch), or null.
 */
export function endOfWatchBy(caller: Principal, event: RevocationEvent): DomainError | null {
  const ownClient = event.clientId !== '' && event.clientId === caller.clientId;
  switch (event.type) {
    case 'client.suspended':
      return ownClient ? domainError('CLIENT_SUSPENDED') : null;
    case 'client.deleted':
      return ownClient ? domainError('CLIENT_DELETED') : null;
    case 'session.revoked':
      return event.sessionId !== '' && event.sessionId === caller.sessionId ? domainError('SESSION_REVOKED') : null;
    case 'client.groups_changed':
      return ownClient && !mayWatch(caller.kind, event.groups) ? notAllowed() : null;
    case 'client.reinstated':
      return null;
  }
}

export class RevocationWatch {
  constructor(private readonly deps: RevocationWatchDeps) {}

  /**
   * Starts a watch: with a `resumeFrom` cursor the feed can vouch for, the events after it;
   * otherwise a snapshot. Then every event, in order, and a heartbeat every
   * `heartbeatMs`, until the returned function is called. Admins and service clients in
   * the group "gateway" only, by their token and by their stored groups alike.
   *
   * The watch ends itself, calling `end` once and sending nothing more, at the first live
   * event that takes the caller's right away (see `endOfWatchBy`), when its token
   * expires, and with `UnavailableError` when the feed restarts (its log may have lost
   * events: the watcher, resuming with its last cursor, gets a fresh snapshot). One that
   * happens while the watch starts makes `start` throw instead.
   */
  async start(caller: Principal, resumeFrom: string, send: (message: WatchMessage) => void, end: (error: DomainError) => void): Promise<() => void> {
    if (!mayWatch(caller.kind, caller.groups)) throw notAllowed();
    if (resumeFrom !== '' && !isCursor(resumeFrom)) throw invalidArgument('cursor', 'cursor must be one a previous WatchRevocations message carried');
    const lifetimeMs = caller.expiresAt.getTime() - this.deps.now();
    if (lifetimeMs <= 0) throw domainError('TOKEN_EXPIRED');

    let ended: DomainError | null = null;
    let started = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let last = '';
    let buffered: RevocationEvent[] | null = [];
    const deliver = (event: RevocationEvent) => {
      if (ended || (last !== '' && compareCursors(event.cursor, last) <= 0)) return;
      last = event.cursor;
      send({ kind: 'event', event });
    };
    // Subscribed before anything is read, so nothing appended meanwhile falls between the two,
    // and a change that ends the caller's right is seen however early it comes.
    const unsubscribe = this.deps.revocationFeed.subscribe(
      (event) => {
        const ending = endOfWatchBy(caller, event);
        if (ending) endWith(ending);
        else if (buffered) buffered.push(event);
        else deliver(event);
      },
      () => endWith(new UnavailableError('the revocation feed')),
    );
    const expiry = setTimeout(() => endWith(domainError('TOKEN_EXPIRED')), Math.min(lifetimeMs, LONGEST_TIMER_MS));
    const stop = () => {
      clearTimeout(expiry);
      clearInterval(heartbeat);
      unsubscribe();
    };
    function endWith(error: DomainError): void {
      if (ended) return;
      ended = error;
      if (!started) return;
      stop();
      end(error);
    }

    try {
      // The token was checked before the subscription began: what changed in between is read now.
      await this.checkStanding(caller);
      const missed = resumeFrom === '' ? null : await this.deps.revocationFeed.since(resumeFrom);
      if (ended) throw ended;
      if (missed !== null) {
        last = resumeFrom;
        missed.forEach(deliver);
      } else {
        const head = await this.deps.revocationFeed.head();
        if (ended) throw ended;
        send({ kind: 'snapshot', snapshot: this.deps.revocations.snapshot(), cursor: head });
        const overlap = (await this.deps.revocationFeed.since(makeCursor(cursorEpoch(head), `${Math.max(0, this.deps.now() - SNAPSHOT_OVERLAP_MS)}-0`))) ?? [];
        if (ended) throw ended;
        for (const event of overlap) if (compareCursors(event.cursor, head) <= 0) send({ kind: 'event', event });
        last = head;
      }
      const waiting = buffered;
      buffered = null;
      waiting.forEach(deliver);
      if (ended) throw ended;
    } catch (error) {
      stop();
      throw error;
    }
    started = true;
    heartbeat = setInterval(() => send({ kind: 'heartbeat', cursor: last, at: this.deps.now() }), this.deps.watchHeartbeatMs);
    return stop;
  }

  /** Refuses a caller whose session or client was revoked, or whose stored groups may not watch, whatever its token says. */
  private async checkStanding(caller: Principal): Promise<void> {
    const [revoked, client] = await Promise.all([this.deps.revocations.status(caller.clientId, caller.sessionId), this.deps.clients.findById(caller.clientId)]);
    if (revoked !== null) throw domainError(revoked);
    if (!client) throw domainError('CLIENT_DELETED');
    if (!mayWatch(client.kind, client.groups)) throw notAllowed();
  }
}
