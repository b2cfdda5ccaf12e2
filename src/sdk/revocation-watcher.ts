/**
 * A local, always-current copy of the revocation list for a Node gateway that verifies
 * tokens itself:
 *
 *   const api = createClientAuthClient('client-auth:50051');
 *   const gatewayToken = async () => (await api.issueServiceToken({ clientId, clientSecret })).accessToken;
 *   const watcher = new RevocationWatcher(api, { token: gatewayToken });
 *   await watcher.start();
 *   const ok = (await jwtVerify(token, jwks)) && !watcher.revoked(claims);
 *
 * It follows WatchRevocations, reconnecting with its last cursor after any failure (so it
 * misses nothing), and treats a stream silent for longer than `silenceMs` as dead. The
 * server ends a stream when its token expires, when its caller loses the right to watch,
 * and when the instance shuts down; the watcher then reconnects, asking `token` again.
 */
import { type ClientReadableStream, Metadata } from '@grpc/grpc-js';
import { type RevocationEvent, RevocationEventType, type RevocationSnapshot, type WatchRevocationsResponse } from '../../gen/clientauth/v1/revocation_feed.js';
import type { ClientAuthPromiseClient } from './typed-client.js';

export interface RevocationWatcherOptions {
  /**
   * An admin's or a gateway service's access token. A function is asked again at every
   * connection: give one that returns a fresh token, since a stream ends when its token
   * expires (a fixed token then fails every reconnection).
   */
  token: string | (() => string | Promise<string>);
  /** Wait this long before reconnecting (ms; 1000). */
  retryMs?: number;
  /** A stream that says nothing, not even a heartbeat, for this long is dropped and reopened (ms; 45000). */
  silenceMs?: number;
  /** Told of each failed or dropped stream; the watcher reconnects on its own. */
  onError?: (error: Error) => void;
}

/** The claims `revoked` looks at: `sub` (or the original `id`), `sid`, `iat`, and `client_id` with `jti`. */
export interface WatchedClaims {
  sub?: string;
  id?: string;
  sid?: string;
  iat?: number;
  /** Present on the OpenID Provider's tokens: the app they were issued to, which can revoke one by one (RFC 7009) by `jti`, and whose suspension or deletion ends them. */
  client_id?: string;
  jti?: string;
}

export class RevocationWatcher {
  private suspended = new Set<string>();
  private deleted = new Map<string, number>();
  private sessions = new Map<string, number>();
  private groupsChanged = new Map<string, number>();
  private lastCursor = '';
  private call: ClientReadableStream<WatchRevocationsResponse> | null = null;
  private stopped = false;
  private silence: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private firstData: { resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(
    private readonly client: ClientAuthPromiseClient,
    private readonly options: RevocationWatcherOptions,
  ) {}

  /** Connects; resolves once the first snapshot is in, rejects if that first connection fails. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstData = { resolve, reject };
      void this.connect();
    });
  }

  /**
   * Whether a token with these claims must be refused: its client is suspended or
   * deleted, its session revoked, the token itself revoked by the client it was issued to
   * (the OpenID Provider's), that client (the app) suspended or deleted, its client's
   * groups changed after it was issued, or, for a token of the original service, its
   * client's password changed. ValidateToken refuses the same.
   */
  revoked(claims: WatchedClaims): boolean {
    const now = Date.now();
    const clientId = claims.sub ?? claims.id ?? '';
    if (this.clientEnded(clientId, now)) return true;
    if (claims.client_id !== undefined && this.clientEnded(claims.client_id, now)) return true;
    if (claims.sid !== undefined && (this.sessions.get(claims.sid) ?? 0) > now) return true;
    // One token revoked alone comes as a revoked session named `token.<jti>` (tokenRevocationIdOf in the service).
    if (claims.client_id !== undefined && claims.jti !== undefined && (this.sessions.get(`token.${claims.jti}`) ?? 0) > now) return true;
    // A token of the original service (`id`, no `sub`) names no session: a change of its
    // client's password ends them all, as a revoked session named `legacy-client.<id>`
    // (legacyTokensRevocationIdOf in the service).
    if (claims.sub === undefined && claims.id !== undefined && (this.sessions.get(`legacy-client.${claims.id}`) ?? 0) > now) return true;
    const changed = this.groupsChanged.get(clientId);
    return changed !== undefined && claims.iat !== undefined && claims.iat < Math.floor(changed / 1000);
  }

  private clientEnded(clientId: string, now: number): boolean {
    return this.suspended.has(clientId) || (this.deleted.get(clientId) ?? 0) > now;
  }

  /** The cursor of the last message received: where a reconnection resumes. */
  get cursor(): string {
    return this.lastCursor;
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.silence) clearTimeout(this.silence);
    this.call?.cancel();
    this.call = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const metadata = new Metadata();
    try {
      const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
      metadata.set('authorization', `Bearer ${token}`);
    } catch (error) {
      return this.failed(error as Error);
    }
    const call = this.client.raw.watchRevocations({ cursor: this.lastCursor }, metadata);
    this.call = call;
    this.heard();
    call.on('data', (response: WatchRevocationsResponse) => {
      this.heard();
      this.receive(response);
    });
    call.on('error', (error: Error) => {
      if (this.call === call) this.failed(error);
    });
    call.on('end', () => {
      if (this.call === call) this.failed(new Error('the revocation stream ended'));
    });
  }

  private failed(error: Error): void {
    this.call = null;
    if (this.silence) clearTimeout(this.silence);
    if (this.stopped) return;
    if (this.firstData) {
      this.firstData.reject(error);
      this.firstData = null;
      this.stopped = true;
      return;
    }
    this.options.onError?.(error);
    this.retry = setTimeout(() => void this.connect(), this.options.retryMs ?? 1000);
    this.retry.unref();
  }

  private heard(): void {
    if (this.silence) clearTimeout(this.silence);
    this.silence = setTimeout(() => {
      const call = this.call;
      this.failed(new Error('the revocation stream went silent'));
      call?.cancel();
    }, this.options.silenceMs ?? 45_000);
    this.silence.unref();
  }

  private receive({ message }: WatchRevocationsResponse): void {
    if (message === undefined) return;
    switch (message.$case) {
      case 'snapshot':
        this.replace(message.value);
        break;
      case 'event':
        this.apply(message.value);
        break;
      case 'heartbeat':
        this.lastCursor = message.value.cursor || this.lastCursor;
        break;
    }
    this.firstData?.resolve();
    this.firstData = null;
  }

  private replace(snapshot: RevocationSnapshot): void {
    const until = (entry: { expireTime?: Date | undefined }) => entry.expireTime?.getTime() ?? Number.POSITIVE_INFINITY;
    this.suspended = new Set(snapshot.suspendedClients.map((entry) => entry.id));
    this.deleted = new Map(snapshot.deletedClients.map((entry) => [entry.id, until(entry)]));
    this.sessions = new Map(snapshot.revokedSessions.map((entry) => [entry.id, until(entry)]));
    this.lastCursor = snapshot.cursor;
  }

  private apply(event: RevocationEvent): void {
    const until = event.expireTime?.getTime() ?? 0;
    switch (event.type) {
      case RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_SUSPENDED:
        this.suspended.add(event.clientId);
        break;
      case RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_REINSTATED:
        this.suspended.delete(event.clientId);
        break;
      case RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_DELETED:
        this.deleted.set(event.clientId, Math.max(until, this.deleted.get(event.clientId) ?? 0));
        break;
      case RevocationEventType.REVOCATION_EVENT_TYPE_SESSION_REVOKED:
        this.sessions.set(event.sessionId, Math.max(until, this.sessions.get(event.sessionId) ?? 0));
        break;
      case RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_GROUPS_CHANGED:
        this.groupsChanged.set(event.clientId, event.eventTime?.getTime() ?? Date.now());
        break;
    }
    this.lastCursor = event.cursor;
  }
}
