/** The bounds of a RecordCache. */
export interface RecordCacheLimits {
  /** At most this many entries (records and kept absences); the least recently used go first. */
  maxEntries: number;
  /** At most about this many bytes of entries (an estimate: UTF-16 strings and per-field overhead). */
  maxBytes: number;
  /** An entry older than this is read again, whatever the invalidations said. */
  maxAgeMs: number;
}

/** How a RecordCache is built; each option defaults to the narrow choice. */
export interface RecordCacheOptions<V extends object> {
  /**
   * Keep a `null` answer (nothing stored under the key) as a record is kept: for a key that
   * is mostly absent and read on a hot path. An absence is forgotten as a record is, so
   * whatever makes the key exist must go through `changing` (or `invalidate`) as a change does.
   */
  keepAbsent?: boolean;
  /**
   * Whether a record may be kept. One it refuses is answered as read, neither frozen nor
   * kept: for a record whose answer may change with no change made through the store (it
   * expires, or a grant's revocation ends it).
   */
  keeps?: (record: V) => boolean;
  /** The clock of the age bound. */
  now?: () => number;
}

interface Entry<V> {
  record: V | null;
  bytes: number;
  /** When its read began: the record is at least that old. */
  at: number;
}

/** A read in flight: its result is kept only if nothing invalidated its key meanwhile. */
interface Read<V> {
  promise: Promise<V | null>;
  stale: boolean;
}

/**
 * Records by key, read through, in this process's memory, bounded in entries and in bytes
 * (least recently used first out) and in age: the one cache of the client records
 * (CachingClientStore, both set-ups) and of the service clients' OIDC settings
 * (MemoryCachedOidcStore, embedded). See docs/adr/0015-client-record-cache.md.
 *
 * What it guarantees: after `invalidate(key)` or `clear()` returns, no `read` answers a
 * record or absence that was read from the store before that call; a read still in flight
 * then is answered to its callers but not kept. `changing` makes a change and then
 * invalidates, so the change's caller and every later reader see it. Concurrent reads of one
 * key share one store read. While disabled it keeps nothing and every read goes to the store.
 * Kept records are frozen: a caller that changed one would change every later answer.
 */
export class RecordCache<V extends object> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly reads = new Map<string, Read<V>>();
  private readonly keepAbsent: boolean;
  private readonly keeps: (record: V) => boolean;
  private readonly now: () => number;
  private bytes = 0;
  private enabled = false;

  constructor(
    private readonly limits: RecordCacheLimits,
    options: RecordCacheOptions<V> = {},
  ) {
    this.keepAbsent = options.keepAbsent ?? false;
    this.keeps = options.keeps ?? (() => true);
    this.now = options.now ?? Date.now;
  }

  /** The record under `key` (null: none), kept or read with `load`. */
  read(key: string, load: () => Promise<V | null>): Promise<V | null> {
    if (!this.enabled) return load();
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      if (this.now() - entry.at < this.limits.maxAgeMs) {
        // Most recently used last: Map keeps insertion order.
        this.entries.delete(key);
        this.entries.set(key, entry);
        return Promise.resolve(entry.record);
      }
      this.drop(key, entry);
    }
    const pending = this.reads.get(key);
    if (pending !== undefined) return pending.promise;
    const at = this.now();
    const read: Read<V> = { promise: load().then((record) => (record !== null && this.keeps(record) ? deepFreeze(record) : record)), stale: false };
    this.reads.set(key, read);
    read.promise.then(
      (record) => {
        if (this.reads.get(key) === read) this.reads.delete(key);
        if (!read.stale && this.enabled && (record === null ? this.keepAbsent : this.keeps(record))) this.keep(key, record, at);
      },
      () => {
        if (this.reads.get(key) === read) this.reads.delete(key);
      },
    );
    return read.promise;
  }

  /**
   * Makes `change`, then forgets `key`; also when the change failed, since a write that timed
   * out may have been made all the same. The caller has its answer only once the key is forgotten.
   */
  async changing<T>(key: string, change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      this.invalidate(key);
    }
  }

  /** Forgets `key`, and keeps nothing a read of it already under way answers. */
  invalidate(key: string): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) this.drop(key, entry);
    const read = this.reads.get(key);
    if (read !== undefined) {
      read.stale = true;
      this.reads.delete(key);
    }
  }

  /** Forgets everything, reads under way included. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    for (const read of this.reads.values()) read.stale = true;
    this.reads.clear();
  }

  /** Starts keeping records (after a clear: what was missed while disabled is not known). */
  enable(): void {
    this.clear();
    this.enabled = true;
  }

  /** Stops keeping records and forgets them. */
  disable(): void {
    this.enabled = false;
    this.clear();
  }

  isEnabled(): boolean {
    return this.enabled;
  }

  size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private keep(key: string, record: V | null, at: number): void {
    const bytes = record === null ? ABSENCE_BYTES + key.length * 2 : estimateBytes(record);
    if (bytes > this.limits.maxBytes || this.limits.maxEntries === 0) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) this.drop(key, previous);
    this.entries.set(key, { record, bytes, at });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.drop(oldest, entry);
    }
  }

  private drop(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/** Per record, per field and per kept absence (its entry), what V8 spends beyond the characters, roughly. */
const OBJECT_BYTES = 200;
const FIELD_BYTES = 16;
const ABSENCE_BYTES = 64;

/**
 * A record's footprint, roughly: two bytes a character (V8 may use one), plus overheads.
 * The record's own fields share one shape, so their names cost nothing per record; a nested
 * map (a client's attributes, an OIDC payload) pays for its keys, a list for its items.
 */
export function estimateBytes(record: object): number {
  return OBJECT_BYTES + fieldBytes(record, false);
}

function fieldBytes(value: object, keyed: boolean): number {
  let bytes = 0;
  for (const [key, inner] of Object.entries(value)) {
    bytes += FIELD_BYTES + (keyed ? FIELD_BYTES + key.length * 2 : 0);
    if (typeof inner === 'string') bytes += inner.length * 2;
    else if (inner !== null && typeof inner === 'object' && !(inner instanceof Date)) bytes += fieldBytes(inner, !Array.isArray(inner));
  }
  return bytes;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
