/** Where a request came from, and the actors that are not clients. */

/** Where a request came from, as the transport saw it; '' where it could not tell. */
export interface RequestContext {
  /** The end client's IP: the gRPC peer's, or the browser's as the bridge saw it. */
  readonly ip: string;
  readonly userAgent: string;
  readonly requestId: string;
  /**
   * When the caller stops listening, in ms since the epoch (its gRPC deadline, the bridge's
   * BRIDGE_CALL_TIMEOUT_MS included); absent when it set none. Work that can be refused
   * early (the hashing queue) refuses rather than answer after it.
   */
  readonly deadline?: number;
}

/** The context of work no request caused (start-up, background jobs). */
export const NO_REQUEST: RequestContext = Object.freeze({ ip: '', userAgent: '', requestId: '' });

/** The actor of a call made without credentials (a login, a registration). */
export const ANONYMOUS = 'anonymous';
/** The actor of what the service does on its own (the admin bootstrap at start-up). */
export const SYSTEM = 'system';
