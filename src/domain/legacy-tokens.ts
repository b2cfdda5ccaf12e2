/**
 * Access tokens issued by the original service (a-shine/client-auth), accepted for a
 * limited window after the switch so that nobody is logged out and no service breaks at
 * once: HS256 with the same JWT_SECRET_KEY, claims `id`, `groups` and (users only) `exp`,
 * and no `iss`, `aud`, `sid` or `kid`. The original's service tokens never expire.
 *
 * Accepted only while the window (LEGACY_TOKENS_UNTIL) is open, only for a client that was
 * imported (its id is an ObjectId) and is not suspended, and only when the token's kind
 * (user with `exp`, service without) matches the stored client. Groups come from the store,
 * never from the token: the original let anyone register as admin. After the window a
 * legacy token is refused like any invalid token (TOKEN_INVALID).
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ClientKind, ClientRecord, Principal } from './client';
import { unauthenticated } from './errors';
import { isImportedClientId } from './imported-clients';
import type { Logger } from './logger';
import type { ClientStore } from './ports';

export interface LegacyTokenSettings {
  /** The original service's JWT_SECRET_KEY. */
  secret: string;
  /** The end of the window. */
  until: Date;
}

/** How many legacy tokens were accepted, by kind, since the process started. */
export type LegacyTokenCounts = Record<ClientKind, number>;

/** The claims of the original service's tokens (its Go `Claim` struct). */
interface LegacyClaims {
  id: string;
  exp?: number;
}

/** A client read for a legacy token is reused this long: suspensions and deletions are on the revocation list anyway. */
const CLIENT_CACHE_MS = 10_000;
const CLIENT_CACHE_MAX = 10_000;
const MAX_TOKEN_LENGTH = 8192;

export class LegacyTokens {
  private readonly key: KeyObject;
  private readonly counts: LegacyTokenCounts = { user: 0, service: 0 };
  /** Clients already named in the log: each is logged once, not per request. */
  private readonly logged = new Set<string>();
  private readonly clientCache = new Map<string, { client: ClientRecord | null; at: number }>();

  constructor(
    private readonly settings: LegacyTokenSettings,
    private readonly clients: Pick<ClientStore, 'findById'>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
  }

  /** Whether legacy tokens are still accepted. */
  isOpen(): boolean {
    return this.now() < this.settings.until.getTime();
  }

  accepted(): LegacyTokenCounts {
    return { ...this.counts };
  }

  /**
   * The caller behind a token of the original service, or null when the window is closed
   * or the token is not one (the caller then refuses it as it would have). Throws when it
   * is one but may not pass: expired, suspended, or not an imported client of its kind.
   */
  async verify(token: string): Promise<Principal | null> {
    if (!this.isOpen() || token.length > MAX_TOKEN_LENGTH) return null;
    const claims = this.legacyClaims(token);
    if (claims === null) return null;
    const kind: ClientKind = claims.exp === undefined ? 'service' : 'user';
    const client = await this.client(claims.id);
    if (!client || client.kind !== kind) throw unauthenticated('TOKEN_INVALID', 'the token is not valid');
    if (client.suspended) throw unauthenticated('CLIENT_SUSPENDED', 'the client is suspended');
    this.counts[kind]++;
    if (!this.logged.has(client.id)) {
      this.logged.add(client.id);
      this.log.warn(
        { clientId: client.id, kind, until: this.settings.until.toISOString() },
        'a token of the original service was accepted; this client must move to tokens of this service before LEGACY_TOKENS_UNTIL',
      );
    }
    return {
      clientId: client.id,
      kind,
      groups: [...client.groups],
      sessionId: '',
      expiresAt: new Date(claims.exp === undefined ? this.settings.until.getTime() : Math.min(claims.exp * 1000, this.settings.until.getTime())),
    };
  }

  private legacyClaims(token: string): LegacyClaims | null {
    const decoded = jwt.decode(token, { complete: true });
    if (decoded === null || typeof decoded.payload !== 'object') return null;
    const { header, payload } = decoded;
    // Tokens of this service always carry iss, aud and sid, and signed keys a kid.
    if (header.alg !== 'HS256' || header.kid !== undefined) return null;
    if (payload['iss'] !== undefined || payload['aud'] !== undefined || payload['sid'] !== undefined) return null;
    if (typeof payload['id'] !== 'string' || !isImportedClientId(payload['id'])) return null;
    if (payload['exp'] !== undefined && typeof payload['exp'] !== 'number') return null;
    try {
      jwt.verify(token, this.key, { algorithms: ['HS256'], clockTimestamp: Math.floor(this.now() / 1000) });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw unauthenticated('TOKEN_EXPIRED', 'the token has expired');
      return null;
    }
    return payload['exp'] === undefined ? { id: payload['id'] } : { id: payload['id'], exp: payload['exp'] };
  }

  private async client(id: string): Promise<ClientRecord | null> {
    const now = this.now();
    const cached = this.clientCache.get(id);
    if (cached && now - cached.at < CLIENT_CACHE_MS) return cached.client;
    const client = await this.clients.findById(id);
    if (this.clientCache.size >= CLIENT_CACHE_MAX) this.clientCache.clear();
    this.clientCache.set(id, { client, at: now });
    return client;
  }
}
