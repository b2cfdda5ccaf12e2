import type { ClientQuery, ClientStore, MarkedClient, PendingDeletion } from '../../domain/clients/ports.js';
import type { ClientRecord } from '../../domain/kernel/client.js';
import { type ClientCacheLimits, ClientRecordCache } from '../redis/client-record-cache.js';

/**
 * The embedded set-up's ClientStore with the records `findById` reads kept in this
 * process's memory (ClientRecordCache), as the shared set-up keeps them (ADR 0015): a read
 * of the SQLite file is a transaction with its locks, a cost GetMe, refresh, IssueServiceToken
 * and the OpenID Provider's token endpoint otherwise pay on every call.
 *
 * The embedded set-up is one process, and every change of a client it makes goes through
 * this store, which forgets the record once the change is made, before the change's caller
 * has its answer: a suspension, a new secret or a deletion holds from the next read on.
 * A record older than `maxAgeMs` is read again in any case, which bounds what a change made
 * behind the service (another process writing the same file) can leave unseen.
 */
export class MemoryCachedClientStore implements ClientStore {
  private readonly cache: ClientRecordCache;

  constructor(
    private readonly store: ClientStore,
    limits: ClientCacheLimits,
    now: () => number = Date.now,
  ) {
    this.cache = new ClientRecordCache(limits, now);
    this.cache.enable();
  }

  /** Whether records are being kept, and how many; for tests and metrics. */
  cacheState(): { enabled: boolean; entries: number; bytes: number } {
    return { enabled: this.cache.isEnabled(), ...this.cache.size() };
  }

  /** Forgets `id`: for a change made behind the store (the test suites change stored clients so). */
  forget(id: string): void {
    this.cache.invalidate(id);
  }

  findById(id: string): Promise<ClientRecord | null> {
    return this.cache.read(id, () => this.store.findById(id));
  }

  findByEmail(email: string): Promise<ClientRecord | null> {
    return this.store.findByEmail(email);
  }

  list(query: ClientQuery): Promise<ClientRecord[]> {
    return this.store.list(query);
  }

  listMarkedDeleted(limit: number): Promise<MarkedClient[]> {
    return this.store.listMarkedDeleted(limit);
  }

  insert(client: ClientRecord): Promise<void> {
    // A client not yet stored is never kept (null answers are not), so there is nothing to forget.
    return this.store.insert(client);
  }

  update(id: string, changes: Partial<Omit<ClientRecord, 'id' | 'kind' | 'createdAt'>>): Promise<ClientRecord | null> {
    return this.changing(id, () => this.store.update(id, changes));
  }

  recordTokenIssue(id: string, at: Date, notBefore: Date): Promise<void> {
    return this.changing(id, () => this.store.recordTokenIssue(id, at, notBefore));
  }

  markDeleted(id: string, deletion: PendingDeletion): Promise<MarkedClient | null> {
    return this.changing(id, () => this.store.markDeleted(id, deletion));
  }

  delete(id: string): Promise<boolean> {
    return this.changing(id, () => this.store.delete(id));
  }

  /** Makes the change, then forgets the record; also when the change failed, which may have been made all the same. */
  private async changing<T>(id: string, change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      this.cache.invalidate(id);
    }
  }
}
