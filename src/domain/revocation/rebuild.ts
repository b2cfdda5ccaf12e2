import type { ClientStore, Outbox } from '../clients/ports.js';
import type { SessionStore } from '../sessions/ports.js';
import { listedIdOf, type RevocationList, type RevokedTokenStore } from './ports.js';

const PAGE = 500;

export interface RevocationRebuildSources {
  clients: ClientStore;
  sessions: SessionStore;
  outbox: Outbox;
  revocations: RevocationList;
  revokedTokens: RevokedTokenStore;
  /** How long a deleted client or a revoked session stays listed: the longest token lifetime. */
  listedMs: number;
  now?: () => number;
}

/** How many entries a rebuild put back on the revocation list. */
export interface RebuiltRevocations {
  suspended: number;
  deleted: number;
  sessions: number;
  /** Access tokens revoked one by one (RFC 7009), until they expire. */
  tokens: number;
  /** Grants of the OpenID Provider revoked whole, until their last access token expires. */
  grants: number;
  /** Clients whose tokens of the original service a password change ended, until LEGACY_TOKENS_UNTIL. */
  legacy: number;
}

/**
 * Puts back on the revocation list everything the stores say must be refused: suspended
 * clients, clients deleted less than `listedMs` ago (from the outbox's deletion entries)
 * sessions revoked less than `listedMs` ago, and the OpenID Provider's access tokens revoked
 * one by one or by grant whose last token has not expired yet (until then), and the clients
 * whose tokens of the original service a password change ended (until LEGACY_TOKENS_UNTIL).
 * The stores are the truth; the list is a copy that can be lost (a Redis restarted empty).
 * Every write is idempotent, so instances that rebuild at the same time agree.
 *
 * With `since` (ms since the epoch) it replays only what changed from then on: clients
 * suspended (or with no time of suspension), deleted or whose sessions, tokens or grants were revoked since,
 * for a list that was intact before but may have missed those changes.
 *
 * A client reinstated while the rebuild runs could be listed again by it after the
 * reinstatement reached the list; a second look at who is still suspended lifts those.
 */
export async function rebuildRevocations(sources: RevocationRebuildSources, options: { since?: number } = {}): Promise<RebuiltRevocations> {
  const now = (sources.now ?? Date.now)();
  const from = Math.max(now - sources.listedMs, options.since ?? Number.NEGATIVE_INFINITY);
  const suspended = await suspendedIds(sources.clients, options.since);
  for (const id of suspended) await sources.revocations.suspendClient(id);
  const stillSuspended = new Set(await suspendedIds(sources.clients, options.since));
  for (const id of suspended) if (!stillSuspended.has(id)) await sources.revocations.reinstateClient(id);

  let deleted = 0;
  for (let beforeId: string | undefined; ; ) {
    const page = await sources.outbox.list({ type: 'client.deletion_requested', limit: PAGE, ...(beforeId ? { beforeId } : {}) });
    const live = page.filter((entry) => entry.at.getTime() >= from && entry.at.getTime() + sources.listedMs > now);
    for (const entry of live) await sources.revocations.markClientDeleted(entry.clientId, entry.at.getTime() + sources.listedMs);
    deleted += live.length;
    // Newest first: once a page reaches entries too old to matter, the rest are older still.
    if (page.length < PAGE || live.length < page.length) break;
    beforeId = page[page.length - 1]!.id;
  }

  let sessions = 0;
  // `revokedAfter` excludes its own millisecond; `from` is included, as above.
  const revokedAfter = new Date(from - 1);
  for (let afterId: string | undefined; ; ) {
    const page = await sources.sessions.listRevoked({ revokedAfter, limit: PAGE, ...(afterId ? { afterId } : {}) });
    for (const session of page) await sources.revocations.revokeSession(session.id, session.revokedAt!.getTime() + sources.listedMs);
    sessions += page.length;
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
  }

  let tokens = 0;
  let grants = 0;
  let legacy = 0;
  const revokedSince = options.since === undefined ? {} : { revokedSince: new Date(options.since) };
  for (let afterId: string | undefined; ; ) {
    const page = await sources.revokedTokens.listLive({ now: new Date(now), ...revokedSince, limit: PAGE, ...(afterId ? { afterId } : {}) });
    for (const revoked of page) {
      await sources.revocations.revokeSession(listedIdOf(revoked), revoked.expiresAt.getTime());
      if (revoked.kind === 'grant') grants++;
      else if (revoked.kind === 'legacy') legacy++;
      else tokens++;
    }
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.tokenId;
  }
  return { suspended: stillSuspended.size, deleted, sessions, tokens, grants, legacy };
}

/** Suspended clients; with `since`, those suspended from then on (or at a time not recorded). */
async function suspendedIds(clients: ClientStore, since?: number): Promise<string[]> {
  const ids: string[] = [];
  for (let afterId: string | undefined; ; ) {
    const page = await clients.list({ suspended: true, limit: PAGE, ...(afterId ? { afterId } : {}) });
    for (const client of page) if (since === undefined || client.suspendedAt === null || client.suspendedAt.getTime() >= since) ids.push(client.id);
    if (page.length < PAGE) return ids;
    afterId = page[page.length - 1]!.id;
  }
}
