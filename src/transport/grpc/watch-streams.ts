/**
 * The open watch streams of one kind (WatchRevocations, or grpc.health.v1 Watch): how many
 * there may be, and how to end them all when the server drains.
 *
 * A watch stream lives as long as its caller keeps it open, so what it holds (its HTTP/2
 * stream, its buffers, its subscription) adds up with every stream; without a bound a few
 * connections can open thousands. Each kind has its own bound, so the unauthenticated
 * health Watch cannot use up the places the gateways' WatchRevocations need.
 */
import { type DomainError, domainError } from '../../domain/kernel/errors.js';
import { shuttingDown } from './call-gate.js';

export interface WatchStreamLimits {
  /** Streams of this kind open at once in this process. */
  readonly perProcess: number;
  /** Streams of this kind one caller may have open at once (a client id; an IP where the call is unauthenticated). */
  readonly perCaller: number;
}

/** What the server bounds: every stream on a connection, and each kind of watch stream (see src/config/streams.ts). */
export interface StreamLimits {
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: the streams one connection may have open, every call counted. */
  readonly perConnection: number;
  readonly revocationWatches: WatchStreamLimits;
  readonly healthWatches: WatchStreamLimits;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  perConnection: 100,
  revocationWatches: { perProcess: 1000, perCaller: 100 },
  healthWatches: { perProcess: 1000, perCaller: 100 },
};

/** Ends one open stream with an error; called at most once. */
export type EndStream = (error: DomainError) => void;

export class WatchStreams {
  private readonly open = new Set<EndStream>();
  private readonly byCaller = new Map<string, number>();
  private draining = false;

  /**
   * @param what names the streams in refusals ("WatchRevocations streams")
   * @param callerIs what a caller is, in refusals ("client", "IP address")
   */
  constructor(
    private readonly limits: WatchStreamLimits,
    private readonly what: string,
    private readonly callerIs: string,
  ) {}

  /** Streams open now. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Takes a place for a new stream of `caller`, which `end` ends when the server drains.
   * Returns what gives the place back (call it once the stream has ended, however it
   * ended; a second call does nothing). Throws TOO_MANY_STREAMS when a limit is reached,
   * UNAVAILABLE when the server drains.
   */
  admit(caller: string, end: EndStream): () => void {
    if (this.draining) throw shuttingDown();
    if (this.open.size >= this.limits.perProcess) {
      throw domainError('TOO_MANY_STREAMS', `this instance has ${this.limits.perProcess} ${this.what} open, its limit; retry later or elsewhere`);
    }
    const count = this.byCaller.get(caller) ?? 0;
    if (count >= this.limits.perCaller) {
      throw domainError('TOO_MANY_STREAMS', `this ${this.callerIs} has ${this.limits.perCaller} ${this.what} open, its limit; close one first`);
    }
    // A stream is one entry even when two streams end alike: each gets its own function.
    const entry: EndStream = (error) => end(error);
    this.open.add(entry);
    this.byCaller.set(caller, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open.delete(entry);
      const left = (this.byCaller.get(caller) ?? 1) - 1;
      if (left > 0) this.byCaller.set(caller, left);
      else this.byCaller.delete(caller);
    };
  }

  /**
   * The server drains: every open stream ends now with UNAVAILABLE (its client resumes on
   * another instance) and new ones are refused, so no watch holds the drain open.
   */
  endAll(): void {
    this.draining = true;
    for (const end of [...this.open]) end(shuttingDown());
  }
}
