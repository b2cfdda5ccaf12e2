import type { ClientRecord } from '../domain/kernel/client.js';

/** The bounds of a ClientRecordCache. */
export interface ClientCacheLimits {
  /** At most this many records; the least recently used go first. */
  maxEntries: number;
  /** At most about this many bytes of records (an estimate: UTF-16 strings and per-field overhead). */
  maxBytes: number;
  /** A record older than this is read again, whatever the invalidations said. */
  maxAgeMs: number;
}

interface Entry {
  record: ClientRecord;
  bytes: number;
  at: number;
}

/** A read in flight: its result is cached only if nothing invalidated its id meanwhile. */
interface Read {
  promise: Promise<ClientRecord | null>;
  stale: boolean;
}

/**
 * Client records by id, read through, in this process's memory, bounded in entries and in
 * bytes (least recently used first out) and in age.
 *
 * What it guarantees: after `invalidate(id)` or `clear()` returns, no `read` answers a
 * record that was read from the store before that call; a read still in flight then is
 * answered to its callers but not kept. Concurrent reads of one id share one store read.
 * While `enabled` is false it keeps nothing and every read goes to the store.
 * Records are frozen: a caller that changed one would change every later answer.
 */
export class ClientRecordCache {
  private readonly entries = new Map<string, Entry>();
  private readonly reads = new Map<string, Read>();
  private bytes = 0;
  private enabled = false;

  constructor(
    private readonly limits: ClientCacheLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** The record of `id`: kept, or read with `load` (null answers are not kept). */
  read(id: string, load: () => Promise<ClientRecord | null>): Promise<ClientRecord | null> {
    if (!this.enabled) return load();
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      if (this.now() - entry.at < this.limits.maxAgeMs) {
        // Most recently used last: Map keeps insertion order.
        this.entries.delete(id);
        this.entries.set(id, entry);
        return Promise.resolve(entry.record);
      }
      this.drop(id, entry);
    }
    const pending = this.reads.get(id);
    if (pending !== undefined) return pending.promise;
    const read: Read = { promise: load().then((record) => record && freeze(record)), stale: false };
    this.reads.set(id, read);
    read.promise.then(
      (record) => {
        if (this.reads.get(id) === read) this.reads.delete(id);
        if (!read.stale && this.enabled && record !== null) this.keep(id, record);
      },
      () => {
        if (this.reads.get(id) === read) this.reads.delete(id);
      },
    );
    return read.promise;
  }

  /** Forgets `id`, and keeps nothing a read of it already under way answers. */
  invalidate(id: string): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) this.drop(id, entry);
    const read = this.reads.get(id);
    if (read !== undefined) {
      read.stale = true;
      this.reads.delete(id);
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

  private keep(id: string, record: ClientRecord): void {
    const bytes = estimateBytes(record);
    if (bytes > this.limits.maxBytes || this.limits.maxEntries === 0) return;
    const previous = this.entries.get(id);
    if (previous !== undefined) this.drop(id, previous);
    this.entries.set(id, { record, bytes, at: this.now() });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.drop(oldest, entry);
    }
  }

  private drop(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}

/** Per object and per field, what V8 spends beyond the characters, roughly. */
const OBJECT_BYTES = 200;
const FIELD_BYTES = 16;

/** A record's footprint, roughly: two bytes a character (V8 may use one), plus overheads. */
export function estimateBytes(record: ClientRecord): number {
  let bytes = OBJECT_BYTES;
  for (const value of Object.values(record)) bytes += FIELD_BYTES + (typeof value === 'string' ? value.length * 2 : 0);
  for (const group of record.groups) bytes += FIELD_BYTES + group.length * 2;
  for (const [key, value] of Object.entries(record.attributes)) bytes += 2 * FIELD_BYTES + (key.length + value.length) * 2;
  return bytes;
}

function freeze(record: ClientRecord): ClientRecord {
  Object.freeze(record.groups);
  Object.freeze(record.attributes);
  return Object.freeze(record);
}
