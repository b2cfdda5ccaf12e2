/**
 * How long a MongoDB call may wait on its connection with nothing coming back; read by
 * `storesFrom` (stores.ts) for the shared set-up.
 */
import type { Reader } from './reader.js';

/**
 * MONGODB_SOCKET_TIMEOUT_MS: the driver's `socketTimeoutMS`, which is otherwise unbounded.
 * A connection that dies without a reset (a stalled TCP link, a server that accepted it and
 * hangs) would keep its call waiting for ever, and with it whatever waits on that call: the
 * refill of the revocation list, which fails closed until it completes, is one. Bounded, the
 * call fails as an outage (UNAVAILABLE) and its caller retries on another connection. It
 * must stay longer than the slowest legitimate single reply (a count over a large collection).
 */
export function mongoSocketTimeoutFrom(read: Reader): number {
  return read.int('MONGODB_SOCKET_TIMEOUT_MS', 30_000, 500, 3_600_000);
}
