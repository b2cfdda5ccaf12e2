import type { RevocationListSize, RevocationSnapshot, RevocationStatus } from './ports.js';

export type ClientMark = 'suspended' | 'deleted';

/** A listed client: `until` is ms since the epoch, Infinity for a suspension. */
export interface ListedClient {
  mark: ClientMark;
  until: number;
}

/**
 * The entries of a revocation list, in memory, and the rules that combine them: a
 * deletion outranks a suspension, reinstating lifts only a suspension, an entry only ever
 * lengthens, and a lapsed entry refuses nothing. Every adapter's in-process copy is one of
 * these, so the rules live in one place. Each change returns what it stored (for an
 * adapter to persist or broadcast), or null when it changed nothing.
 */
export class RevocationEntries {
  private readonly clients: Map<string, ListedClient>;
  private readonly sessions: Map<string, number>;

  constructor(
    private readonly now: () => number,
    initial: { clients?: Map<string, ListedClient>; sessions?: Map<string, number> } = {},
  ) {
    this.clients = initial.clients ?? new Map();
    this.sessions = initial.sessions ?? new Map();
  }

  status(clientId: string, sessionId: string): RevocationStatus {
    const now = this.now();
    const client = this.clients.get(clientId);
    if (client && client.until > now) return client.mark === 'suspended' ? 'CLIENT_SUSPENDED' : 'CLIENT_DELETED';
    const session = this.sessions.get(sessionId);
    if (session !== undefined && session > now) return 'SESSION_REVOKED';
    return null;
  }

  suspend(clientId: string): ListedClient | null {
    const current = this.clients.get(clientId);
    // The client is gone: suspending it changes nothing.
    if (current?.mark === 'deleted' && current.until > this.now()) return null;
    return this.setClient(clientId, { mark: 'suspended', until: Number.POSITIVE_INFINITY });
  }

  /** True when a suspension was lifted; a deletion stays. */
  reinstate(clientId: string): boolean {
    if (this.clients.get(clientId)?.mark !== 'suspended') return false;
    return this.clients.delete(clientId);
  }

  markDeleted(clientId: string, until: number): ListedClient | null {
    // A listing that has already lapsed would refuse nothing: every token of the client has expired.
    if (until <= this.now()) return null;
    const current = this.clients.get(clientId);
    const longest = current?.mark === 'deleted' ? Math.max(until, current.until) : until;
    return this.setClient(clientId, { mark: 'deleted', until: longest });
  }

  /** The time the session stays listed until, or null when that has already passed. */
  revokeSession(sessionId: string, until: number): number | null {
    const longest = Math.max(until, this.sessions.get(sessionId) ?? 0);
    if (longest <= this.now()) return null;
    this.sessions.set(sessionId, longest);
    return longest;
  }

  size(): RevocationListSize {
    let suspended = 0;
    for (const entry of this.clients.values()) if (entry.mark === 'suspended') suspended++;
    return { suspended, deleted: this.clients.size - suspended, sessions: this.sessions.size };
  }

  /** Every entry in force now: suspended and deleted clients and revoked sessions, each with its end (ms; Infinity for a suspension). */
  snapshot(): RevocationSnapshot {
    const now = this.now();
    const snapshot: RevocationSnapshot = { suspended: [], deleted: [], sessions: [] };
    for (const [id, entry] of this.clients) if (entry.until > now) snapshot[entry.mark].push({ id, until: entry.until });
    for (const [id, until] of this.sessions) if (until > now) snapshot.sessions.push({ id, until });
    return snapshot;
  }

  /** Forgets entries whose time has passed. */
  sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.clients) if (entry.until <= now) this.clients.delete(id);
    for (const [id, until] of this.sessions) if (until <= now) this.sessions.delete(id);
  }

  private setClient(clientId: string, entry: ListedClient): ListedClient {
    this.clients.set(clientId, entry);
    return entry;
  }
}
