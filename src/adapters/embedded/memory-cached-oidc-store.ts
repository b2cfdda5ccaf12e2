import type { OidcRecord, OidcStore } from '../../domain/oidc/ports.js';
import { RecordCache, type RecordCacheLimits } from '../record-cache.js';

/**
 * The embedded set-up's OidcStore with the records of `models` kept in this process's
 * memory: the service clients' OIDC settings, which the token endpoint reads for every
 * token (a SQLite read is a transaction with its locks), and their absence, which is what
 * most service clients have. Only records with no expiry and no grant are kept, so neither
 * the time of a read nor a grant's revocation nor a sweep can change what a kept one
 * answers; records of every other model are read from the file each time.
 *
 * What it guarantees, as the client-record cache does (ADR 0015, the same RecordCache): the
 * embedded set-up is one process, every change of a kept model goes through this store, and
 * the record is forgotten once the change is made, before its caller has an answer, so
 * SetOidcClient holds from the next token request on; a read under way while a change is made
 * is answered but not kept. A record older than `maxAgeMs` is read again, which bounds what a
 * change made behind the service (another process writing the file) can leave unseen. Kept
 * records are frozen: a caller that changed one would change every later answer.
 */
export class MemoryCachedOidcStore implements OidcStore {
  /** Absences kept (most service clients have no settings); records with an expiry or a grant never. */
  private readonly cache: RecordCache<OidcRecord>;
  private readonly models: ReadonlySet<string>;

  constructor(
    private readonly store: OidcStore,
    models: readonly string[],
    limits: RecordCacheLimits,
    now: () => number = Date.now,
  ) {
    this.models = new Set(models);
    this.cache = new RecordCache<OidcRecord>(limits, { keepAbsent: true, keeps: (record) => record.expiresAt === null && record.grantId === null, now });
    this.cache.enable();
  }

  find(model: string, id: string, now: Date): Promise<OidcRecord | null> {
    if (!this.models.has(model)) return this.store.find(model, id, now);
    return this.cache.read(keyOf(model, id), () => this.store.find(model, id, now));
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

  private changing(model: string, id: string, change: () => Promise<void>): Promise<void> {
    if (!this.models.has(model)) return change();
    return this.cache.changing(keyOf(model, id), change);
  }
}

function keyOf(model: string, id: string): string {
  return `${model}\n${id}`;
}
