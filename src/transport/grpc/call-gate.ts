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
 * Whether the server takes new calls. On shutdown the gate closes at once, so new calls
 * end UNAVAILABLE (the client retries another instance) while those already running
 * finish. The bridge of the same process keeps passing: an HTTP request it accepted
 * before the shutdown must be able to make its gRPC calls. It proves it is that bridge
 * with a random value only this process knows, which never leaves the process (the bridge
 * calls the handlers in process). The same proof lets it name its browsers' IPs
 * (caller-ip.ts) without any network being trusted for it.
 */
export class CallGate {
  /** Sent by this process's bridge in `INTERNAL_PASS_KEY`. */
  readonly internalPass = randomBytes(32).toString('base64url');
  private open = true;

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
}
