import type { ClientQuery, ClientStore, MarkedClient, PendingDeletion } from '../domain/clients/ports.js';
import type { ClientRecord } from '../domain/kernel/client.js';
import { RecordCache, type RecordCacheLimits } from './record-cache.js';

/**
 * A ClientStore that keeps the records `findById` reads in memory (RecordCache) and
 * passes every other call to the store it wraps. Every change of a client goes through
 * `changing`, which forgets the record here once the change is made (the embedded set-up's
 * MemoryCachedClientStore needs no more); the shared one's CachedClientStore also names it
 * to every instance. Only `findById` answers from memory, and not when asked for the
 * current record (the admin check: an instance cut from Redis cannot announce a demotion); a
 * search by email or a list always reads the store. See docs/adr/0015-client-record-cache.md.
 */
export abstract class CachingClientStore implements ClientStore {
  /** Absences are not kept (a client is stored by `insert`, which forgets nothing), and every record is. */
  protected readonly cache: RecordCache<ClientRecord>;

  protected constructor(
    protected readonly store: ClientStore,
    limits: RecordCacheLimits,
    now: () => number = Date.now,
  ) {
    this.cache = new RecordCache<ClientRecord>(limits, { now });
  }

  /** Whether records are being kept, and how many; for tests and metrics. */
  cacheState(): { enabled: boolean; entries: number; bytes: number } {
    return { enabled: this.cache.isEnabled(), ...this.cache.size() };
  }

  findById(id: string, read?: { current?: boolean }): Promise<ClientRecord | null> {
    // A current read is not kept either: it may race a change as any read does, and only `changing` forgets.
    if (read?.current) return this.store.findById(id);
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
    // At most once a minute per service (the domain's bound), so the record is read again
    // once a minute at most, and the console sees the time at once.
    return this.changing(id, () => this.store.recordTokenIssue(id, at, notBefore));
  }

  markDeleted(id: string, deletion: PendingDeletion): Promise<MarkedClient | null> {
    return this.changing(id, () => this.store.markDeleted(id, deletion));
  }

  delete(id: string): Promise<boolean> {
    return this.changing(id, () => this.store.delete(id));
  }

  /** Makes the change, then forgets the record (RecordCache.changing); the shared set-up also names it to every instance. */
  protected changing<T>(id: string, change: () => Promise<T>): Promise<T> {
    return this.cache.changing(id, change);
  }
}
