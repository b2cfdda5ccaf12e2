import type { OidcRecord, OidcStore } from '../../domain/oidc/ports.js';

/** The bounds of what is kept (CLIENT_CACHE_MAX_ENTRIES and CLIENT_CACHE_MAX_AGE_SEC, as for client records). */
export interface KeptRecordLimits {
  /** At most this many records (or absences); the least recently used go first. */
  maxEntries: number;
  /** A record older than this is read again, whatever changed through the store. */
  maxAgeMs: number;
}

interface Kept {
  record: OidcRecord | null;
  at: number;
}

/**
 * The embedded set-up's OidcStore with the records of `models` kept in this process's
 * memory: the service clients' OIDC settings, which the token endpoint reads for every
 * token (a SQLite read is a transaction with its locks), and their absence, which is what
 * most service clients have. Only records with no expiry and no grant are kept, so neither
 * the time of a read nor a grant's revocation nor a sweep can change what a kept one
 * answers; records of every other model are read from the file each time.
 *
 * What it guarantees, as the client-record cache does (ADR 0015): the embedded set-up is one
 * process, every change of a kept model goes through this store, and the record is
 * forgotten once the change is made, before its caller has an answer, so SetOidcClient holds
 * from the next token request on; a read under way while a change is made is answered but
 * not kept. A record older than `maxAgeMs` is read again, which bounds what a change made
 * behind the service (another process writing the file) can leave unseen. Kept records are
 * frozen: a caller that changed one would change every later answer.
 */
export class MemoryCachedOidcStore implements OidcStore {
  private readonly kept = new Map<string, Kept>();
  private readonly models: ReadonlySet<string>;
  /** Bumped by every change of a kept model: a read that began before one is not kept. */
  private changes = 0;

  constructor(
    private readonly store: OidcStore,
    models: readonly string[],
    private readonly limits: KeptRecordLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.models = new Set(models);
  }

  async find(model: string, id: string, now: Date): Promise<OidcRecord | null> {
    if (!this.models.has(model)) return this.store.find(model, id, now);
    const key = keyOf(model, id);
    const entry = this.kept.get(key);
    if (entry !== undefined) {
      this.kept.delete(key);
      if (this.now() - entry.at < this.limits.maxAgeMs) {
        // Most recently used last: a Map keeps insertion order.
        this.kept.set(key, entry);
        return entry.record;
      }
    }
    const changes = this.changes;
    const at = this.now();
    const record = await this.store.find(model, id, now);
    if (record !== null && (record.expiresAt !== null || record.grantId !== null)) return record;
    const frozen = record === null ? null : deepFreeze(record);
    if (changes === this.changes) this.keep(key, { record: frozen, at });
    return frozen;
  }

  upsert(record: OidcRecord): Promise<void> {
    return this.changing(record.model, record.id, () => this.store.upsert(record));
  }

  consume(model: string, id: string, at: Date): Promise<void> {
    return this.changing(model, id, () => this.store.consume(model, id, at));
  }

  destroy(model: string, id: string): Promise<void> {
    return this.changing(model, id, () => this.store.destroy(model, id));
  }

  // Kept records have no grant and no expiry: these change none of them.
  findByUid(model: string, uid: string, now: Date): Promise<OidcRecord | null> {
    return this.store.findByUid(model, uid, now);
  }

  findByUserCode(model: string, userCode: string, now: Date): Promise<OidcRecord | null> {
    return this.store.findByUserCode(model, userCode, now);
  }

  revokeByGrantId(grantId: string): Promise<void> {
    return this.store.revokeByGrantId(grantId);
  }

  grantIdsOfAccount(accountId: string): Promise<string[]> {
    return this.store.grantIdsOfAccount(accountId);
  }

  sweepExpired(now: Date): Promise<number> {
    return this.store.sweepExpired(now);
  }

  private async changing(model: string, id: string, change: () => Promise<void>): Promise<void> {
    if (!this.models.has(model)) return change();
    this.changes++;
    try {
      await change();
    } finally {
      this.changes++;
      this.kept.delete(keyOf(model, id));
    }
  }

  private keep(key: string, entry: Kept): void {
    this.kept.set(key, entry);
    if (this.kept.size > this.limits.maxEntries) {
      const oldest = this.kept.keys().next().value;
      if (oldest !== undefined) this.kept.delete(oldest);
    }
  }
}

function keyOf(model: string, id: string): string {
  return `${model}\n${id}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
