/**
 * Access tokens issued by the original service (a-shine/client-auth), accepted for a
 * limited window after the switch so that nobody is logged out and no service breaks at
 * once. The original's user tokens expire (`exp`); its service tokens never do.
 *
 * Accepted only while the window (LEGACY_TOKENS_UNTIL) is open, only for a client that was
 * imported (its id is an ObjectId) and is not suspended, and only when the token's kind
 * (user with `exp`, service without) matches the stored client. Groups come from the store,
 * never from the token: the original let anyone register as admin. After the window a
 * legacy token is refused like any other invalid token (TOKEN_INVALID).
 *
 * The original had no sessions, so such a token names none (its `sessionId` is ''). A
 * logout ends the token itself instead: it is put on the revocation list, under a name
 * derived from the token (`revocationIdOf`), until it would have expired.
 */

import type { ClientStore } from '../clients/ports.js';
import type { ClientKind, ClientRecord, Principal } from '../kernel/client.js';
import { DomainError, domainError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { hashSecret } from '../kernel/secrets.js';
import type { TokenIssuer } from './ports.js';

/** What a token of the original service claims, once its signature was checked. */
export interface OriginalTokenClaims {
  id: string;
  exp?: number;
}

/**
 * Reads a token of the original service (a port; the JWT adapter is in src/adapters/crypto).
 * - Answers null for anything that is not one, authentic and signed with its secret.
 * - Rejects with the domain's TOKEN_EXPIRED for an authentic one whose `exp` has passed at `nowMs`.
 */
export interface OriginalTokenDecoder {
  decode(token: string, nowMs: number): Promise<OriginalTokenClaims | null>;
}

/** How many legacy tokens were accepted, by kind, since the process started. */
export type LegacyTokenCounts = Record<ClientKind, number>;

/** A client read for a legacy token is reused this long: suspensions and deletions are on the revocation list anyway. */
const CLIENT_CACHE_MS = 10_000;
const CLIENT_CACHE_MAX = 10_000;

export class LegacyTokens {
  private readonly counts: LegacyTokenCounts = { user: 0, service: 0 };
  /** Clients already named in the log: each is logged once, not per request. */
  private readonly logged = new Set<string>();
  private readonly clientCache = new Map<string, { client: ClientRecord | null; at: number }>();

  constructor(
    /** LEGACY_TOKENS_UNTIL. */
    readonly until: Date,
    private readonly decoder: OriginalTokenDecoder,
    private readonly clients: Pick<ClientStore, 'findById'>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether legacy tokens are still accepted. */
  isOpen(): boolean {
    return this.now() < this.until.getTime();
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
    if (!this.isOpen()) return null;
    const claims = await this.decoder.decode(token, this.now());
    if (claims === null) return null;
    const kind: ClientKind = claims.exp === undefined ? 'service' : 'user';
    const client = await this.client(claims.id);
    if (!client || client.kind !== kind) throw domainError('TOKEN_INVALID');
    if (client.suspended) throw domainError('CLIENT_SUSPENDED');
    this.counts[kind]++;
    if (!this.logged.has(client.id)) {
      this.logged.add(client.id);
      this.log.warn(
        { clientId: client.id, kind, until: this.until.toISOString() },
        'a token of the original service was accepted; this client must move to tokens of this service before LEGACY_TOKENS_UNTIL',
      );
    }
    const until = this.until.getTime();
    return {
      clientId: client.id,
      kind,
      groups: [...client.groups],
      // The original had no sessions; the revocation list still sees the client's marks.
      sessionId: '',
      // The original's tokens say nothing of how the client authenticated.
      amr: [],
      expiresAt: new Date(claims.exp === undefined ? until : Math.min(claims.exp * 1000, until)),
    };
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

/**
 * The caller behind an access token: one of this service's (expired ones too with
 * `allowExpired`), or else one of the original service's while LEGACY_TOKENS_UNTIL is open.
 */
export async function verifyAnyToken(
  deps: { tokens: TokenIssuer; legacyTokens?: LegacyTokens | null },
  token: string,
  options?: { allowExpired: boolean },
): Promise<Principal> {
  try {
    return await deps.tokens.verify(token, options);
  } catch (error) {
    const legacyTokens = deps.legacyTokens;
    if (!legacyTokens || !(error instanceof DomainError && error.reason === 'TOKEN_INVALID')) throw error;
    const legacy = await legacyTokens.verify(token);
    if (legacy === null) throw error;
    return legacy;
  }
}

/**
 * The name under which the revocation list knows the token of `principal`: its session,
 * or, for a token of the original service, which has none, the token itself (its SHA-256:
 * the list, and the feed that repeats it, must not hold a usable token).
 */
export function revocationIdOf(principal: Pick<Principal, 'sessionId'>, token: string): string {
  return principal.sessionId !== '' ? principal.sessionId : `legacy.${hashSecret(token)}`;
}
