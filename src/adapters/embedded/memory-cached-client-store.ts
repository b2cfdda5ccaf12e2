import type { ClientStore } from '../../domain/clients/ports.js';
import { CachingClientStore } from '../caching-client-store.js';
import type { RecordCacheLimits } from '../record-cache.js';

/**
 * The embedded set-up's ClientStore with the records `findById` reads kept in this
 * process's memory (RecordCache), as the shared set-up keeps them (ADR 0015): a read
 * of the SQLite file is a transaction with its locks, a cost GetMe, refresh, IssueServiceToken
 * and the OpenID Provider's token endpoint otherwise pay on every call.
 *
 * The embedded set-up is one process, and every change of a client it makes goes through
 * this store, which forgets the record once the change is made, before the change's caller
 * has its answer: a suspension, a new secret or a deletion holds from the next read on.
 * A record older than `maxAgeMs` is read again in any case, which bounds what a change made
 * behind the service (another process writing the same file) can leave unseen.
 */
export class MemoryCachedClientStore extends CachingClientStore {
  constructor(store: ClientStore, limits: RecordCacheLimits, now: () => number = Date.now) {
    super(store, limits, now);
    this.cache.enable();
  }

  /** Forgets `id`: for a change made behind the store (the test suites change stored clients so). */
  forget(id: string): void {
    this.cache.invalidate(id);
  }
}
