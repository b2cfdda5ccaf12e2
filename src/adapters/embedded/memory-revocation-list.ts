import { UnavailableError } from '../../domain/errors';
import type { RevocationList, RevocationListSize, RevocationStatus } from '../../domain/ports';

export type ClientMark = 'suspended' | 'deleted';

/** A listed client: `until` is ms since the epoch, Infinity for a suspension. */
export interface ListedClient {
  mark: ClientMark;
  until: number;
}

/**
 * Where an in-process revocation list keeps its entries, so that a restart does not lift a
 * logout, a suspension or a deletion. Calls are synchronous: the list must never answer
 * from memory that the store has not yet accepted.
 */
export interface RevocationPersistence {
  /** Every entry still in force at `now`. */
  load(now: number): { clients: Map<string, ListedClient>; sessions: Map<string, number> };
  putClient(id: string, entry: ListedClient): void;
  removeClient(id: string): void;
  putSession(id: string, until: number): void;
  /** Forgets entries whose time has passed. */
  sweep(now: number): void;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The revocation list of a single instance: held in memory, written through to
 * `persistence` when given. It cannot tell other instances of a change, which is why the
 * embedded set-up serves one instance only.
 */
export class MemoryRevocationList implements RevocationList {
  private readonly clients: Map<string, ListedClient>;
  private readonly sessions: Map<string, number>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly options: { persistence?: RevocationPersistence; now?: () => number } = {},
  ) {
    const loaded = options.persistence?.load(this.now());
    this.clients = loaded?.clients ?? new Map();
    this.sessions = loaded?.sessions ?? new Map();
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async status(clientId: string, sessionId: string): Promise<RevocationStatus> {
    const now = this.now();
    const client = this.clients.get(clientId);
    if (client && client.until > now) return client.mark === 'suspended' ? 'CLIENT_SUSPENDED' : 'CLIENT_DELETED';
    const session = this.sessions.get(sessionId);
    if (session !== undefined && session > now) return 'SESSION_REVOKED';
    return null;
  }

  async suspendClient(clientId: string): Promise<void> {
    const current = this.clients.get(clientId);
    // A deletion outranks a suspension: the client is gone, suspending it changes nothing.
    if (current?.mark === 'deleted' && current.until > this.now()) return;
    this.setClient(clientId, { mark: 'suspended', until: Number.POSITIVE_INFINITY });
  }

  async reinstateClient(clientId: string): Promise<void> {
    if (this.clients.get(clientId)?.mark !== 'suspended') return;
    this.clients.delete(clientId);
    this.persist((store) => store.removeClient(clientId));
  }

  async markClientDeleted(clientId: string, until: number): Promise<void> {
    // A listing that has already lapsed would refuse nothing: every token of the client has expired.
    if (until <= this.now()) return;
    const current = this.clients.get(clientId);
    const longest = current?.mark === 'deleted' ? Math.max(until, current.until) : until;
    this.setClient(clientId, { mark: 'deleted', until: longest });
  }

  async revokeSession(sessionId: string, until: number): Promise<void> {
    const longest = Math.max(until, this.sessions.get(sessionId) ?? 0);
    if (longest <= this.now()) return;
    this.sessions.set(sessionId, longest);
    this.persist((store) => store.putSession(sessionId, longest));
  }

  size(): RevocationListSize {
    let suspended = 0;
    for (const entry of this.clients.values()) if (entry.mark === 'suspended') suspended++;
    return { suspended, deleted: this.clients.size - suspended, sessions: this.sessions.size };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private setClient(clientId: string, entry: ListedClient): void {
    this.clients.set(clientId, entry);
    this.persist((store) => store.putClient(clientId, entry));
  }

  /**
   * Memory changes first, so this instance refuses at once even if the disk fails; the
   * failure still reaches the caller, who retries (the relay keeps the entry pending).
   */
  private persist(write: (store: RevocationPersistence) => void): void {
    if (!this.options.persistence) return;
    try {
      write(this.options.persistence);
    } catch (error) {
      throw new UnavailableError('the revocation list', { cause: error });
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.clients) if (entry.until <= now) this.clients.delete(id);
    for (const [id, until] of this.sessions) if (until <= now) this.sessions.delete(id);
    try {
      this.options.persistence?.sweep(now);
    } catch {
      // Expired rows are ignored at load; the next sweep retries.
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
