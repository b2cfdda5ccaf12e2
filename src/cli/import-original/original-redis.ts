/**
 * Reads the suspensions the original service kept only in its Redis. Its `/suspend` did
 * `SET <client id> suspended` with a TTL (an hour) and never wrote `suspended: true` to the
 * document, so until the key expired its gateway refused the client while the document
 * said active. Read-only: the original's Redis is never changed.
 */
import { Redis } from 'ioredis';
import { isImportedClientId } from '../../domain/kernel/imported-clients.js';

/** A live suspension of the original: the key's end, or null when it has no TTL. */
export interface OriginalSuspension {
  endsAt: Date | null;
}

/** The original's Redis could not be read: the import stops before it writes anything. */
export class OriginalRedisError extends Error {}

const SCAN_COUNT = 1000;

/** Every key named by a client id whose value is `suspended`, with when it would expire. */
export async function readOriginalSuspensions(url: string, timeoutMs: number, now: () => number): Promise<Map<string, OriginalSuspension>> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Failures reach the caller through the rejected commands; the event would only be noise.
  redis.on('error', () => {});
  try {
    await redis.connect();
    const suspensions = new Map<string, OriginalSuspension>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', SCAN_COUNT);
      cursor = next;
      const ids = keys.filter(isImportedClientId);
      if (ids.length === 0) continue;
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.get(id).pttl(id);
      const replies = (await pipeline.exec()) ?? [];
      const read = now();
      ids.forEach((id, i) => {
        const [[getError, value], [ttlError, ttl]] = [replies[2 * i]!, replies[2 * i + 1]!];
        // A key of another type (WRONGTYPE) is not one the original's /suspend wrote.
        if (getError || ttlError || !isSuspensionMark(id, value) || typeof ttl !== 'number' || ttl === -2) return;
        suspensions.set(id, { endsAt: ttl === -1 ? null : new Date(read + ttl) });
      });
    } while (cursor !== '0');
    return suspensions;
  } catch (error) {
    throw new OriginalRedisError(`cannot read the original's Redis at ${withoutCredentials(url)} (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    redis.disconnect();
  }
}

/**
 * What the original's /suspend wrote under a client's id: "suspended" in its earlier
 * versions, the id itself at its HEAD (2841fde, where /delete writes the same, but a
 * deleted client has no document left to import).
 */
function isSuspensionMark(id: string, value: unknown): boolean {
  return value === 'suspended' || value === id;
}

/** The URL as it may be printed: no user name or password. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an unreadable URL)';
  }
}
