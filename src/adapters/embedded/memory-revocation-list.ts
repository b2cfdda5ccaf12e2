import { UnavailableError } from '../../domain/kernel/errors.js';
import { type Logger, silentLogger } from '../../domain/kernel/logger.js';
import { OutageLog } from '../../domain/kernel/outage-log.js';
import { type ListedClient, RevocationEntries } from '../../domain/revocation/entries.js';
import type { RevocationList, RevocationListSize, RevocationSnapshot, RevocationStatus } from '../../domain/revocation/ports.js';

export type { ClientMark, ListedClient } from '../../domain/revocation/entries.js';

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
  private readonly entries: RevocationEntries;
  private readonly sweeper: NodeJS.Timeout;

  private readonly sweepLog: OutageLog;

  constructor(private readonly options: { persistence?: RevocationPersistence; now?: () => number; log?: Logger } = {}) {
    this.sweepLog = new OutageLog(options.log ?? silentLogger, 'sweep of the stored revocation list');
    const now = () => (this.options.now ?? Date.now)();
    this.entries = new RevocationEntries(now, options.persistence?.load(now()) ?? {});
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async status(clientId: string, sessionId: string): Promise<RevocationStatus> {
    return this.entries.status(clientId, sessionId);
  }

  async suspendClient(clientId: string): Promise<void> {
    const stored = this.entries.suspend(clientId);
    if (stored) this.persist((store) => store.putClient(clientId, stored));
  }

  async reinstateClient(clientId: string): Promise<void> {
    if (this.entries.reinstate(clientId)) this.persist((store) => store.removeClient(clientId));
  }

  async markClientDeleted(clientId: string, until: number): Promise<void> {
    const stored = this.entries.markDeleted(clientId, until);
    if (stored) this.persist((store) => store.putClient(clientId, stored));
  }

  async revokeSession(sessionId: string, until: number): Promise<void> {
    const stored = this.entries.revokeSession(sessionId, until);
    if (stored !== null) this.persist((store) => store.putSession(sessionId, stored));
  }

  /** Its copy is this process's own, kept in SQLite, so nothing else can empty it: one refill, now. */
  async refillWith(refill: (since?: number) => Promise<void>): Promise<void> {
    await refill();
  }

  size(): RevocationListSize {
    return this.entries.size();
  }

  snapshot(): RevocationSnapshot {
    return this.entries.snapshot();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
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
    this.entries.sweep();
    // Expired rows are ignored at load, so a failed sweep only leaves them for the next one.
    void this.sweepLog.run(() => this.options.persistence?.sweep((this.options.now ?? Date.now)()));
  }
}
