/** The record cache's bounds (src/adapters/record-cache.ts: client records on both set-ups, OIDC client settings embedded); read by `loadConfig` (index.ts). */
import type { Reader } from './reader.js';

export interface ClientCacheConfig {
  /** Records kept per instance; 0 turns the cache off. */
  readonly maxEntries: number;
  /** About this many bytes of records per instance. */
  readonly maxBytes: number;
  /** A record older than this is read from the store again, whatever the change announcements said. */
  readonly maxAgeMs: number;
}

export function clientCacheFrom(read: Reader): ClientCacheConfig {
  return {
    maxEntries: read.int('CLIENT_CACHE_MAX_ENTRIES', 10_000, 0, 1_000_000),
    maxBytes: read.int('CLIENT_CACHE_MAX_MB', 8, 1, 1024) * 1024 * 1024,
    maxAgeMs: read.int('CLIENT_CACHE_MAX_AGE_SEC', 60, 1, 3600) * 1000,
  };
}
