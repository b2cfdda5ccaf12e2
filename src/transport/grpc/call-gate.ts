import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { type DomainError, domainError } from '../../domain/kernel/errors.js';

/** The metadata key by which this process's own bridge is let through a closing gate. */
export const INTERNAL_PASS_KEY = 'x-clientauth-internal-pass';

/** What a call refused, or a stream ended, by a draining server answers: UNAVAILABLE, so the client retries elsewhere. */
export function shuttingDown(): DomainError {
  return domainError('UNAVAILABLE', 'this instance is shutting down; retry later');
}

/**
 * Whether the server takes new calls, and how many it is still running. On shutdown the
 * gate closes at once, so new calls end UNAVAILABLE (the client retries another instance)
 * while those already running finish. The bridge of the same process keeps passing: an
 * HTTP request it accepted before the shutdown must be able to make its gRPC calls. It
 * proves it is that bridge with a random value only this process knows, which never leaves
 * the process (the bridge calls the handlers in process). The same proof lets it name its
 * browsers' IPs (caller-ip.ts) without any network being trusted for it.
 *
 * A call counts as running from the moment it is let in until its handler has settled,
 * whether or not its caller is still there to hear the answer (a caller that gave up, or a
 * bridge request past its deadline, leaves the handler running), so the stores are closed
 * only once `idle` says nothing uses them any more.
 */
export class CallGate {
  /** Sent by this process's bridge in `INTERNAL_PASS_KEY`. */
  readonly internalPass = randomBytes(32).toString('base64url');
  private open = true;
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  close(): void {
    this.open = false;
  }

  admits(metadata: Metadata): boolean {
    return this.open || this.fromOwnBridge(metadata);
  }

  /** Whether the call comes from this process's own bridge: it carries the pass. */
  fromOwnBridge(metadata: Metadata): boolean {
    const given = metadata.get(INTERNAL_PASS_KEY)[0];
    if (typeof given !== 'string' || given.length !== this.internalPass.length) return false;
    return timingSafeEqual(Buffer.from(given), Buffer.from(this.internalPass));
  }

  /** A call let in starts running; pair with exactly one `leave`. */
  enter(): void {
    this.running += 1;
  }

  /** A call's handler has settled. */
  leave(): void {
    this.running -= 1;
    if (this.running === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Calls let in whose handlers have not settled yet. */
  get runningCalls(): number {
    return this.running;
  }

  /** Resolves once no call is running: at once when none is. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
