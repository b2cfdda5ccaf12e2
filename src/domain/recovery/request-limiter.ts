/**
 * Counts requests per key in a fixed window, shared by every instance that shares the store.
 * - `hit` counts one request and returns the key's count in its window, this one included;
 *   under N concurrent hits on one key each gets a distinct count and the last is N.
 * - A key's window opens at its first hit and does not move; afterwards the count is 0 again.
 * - Keys are never stored in clear where other programs read them (Redis names the counter
 *   by the key's SHA-256), so the store does not become a list of emails or addresses.
 * - When the store cannot be reached, `hit` rejects with `UnavailableError`.
 */
export interface RequestLimiter {
  hit(key: string): Promise<number>;
}
