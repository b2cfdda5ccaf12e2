/** GetClient, ListClients, SetClientGroups and ListDeletionRequests: the admins' reading and granting. */

import type { AuditRecorder } from '../audit/ports.js';
import { type ClientKind, type Principal, type PublicClient, publicClient, requireAdmin } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { decodePageToken, encodePageToken, LIST_PAGE_DEFAULT, LIST_PAGE_MAX } from '../kernel/page-token.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import { type RevocationFeed, type RevocationList, revokeAccessTokensOf } from '../revocation/ports.js';
import type { Lifetimes, SessionStore } from '../sessions/ports.js';
import type { DeletionRequestView } from './deletion.js';
import { keepingAnAdmin } from './last-admin.js';
import type { ClientStore, Outbox } from './ports.js';
import { requireClient, withBaseGroup } from './records.js';

export interface AdministrationDeps {
  clients: ClientStore;
  sessions: SessionStore;
  outbox: Outbox;
  revocations: RevocationList;
  revocationFeed: RevocationFeed;
  lifetimes: Lifetimes;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
}

export class Administration {
  constructor(private readonly deps: AdministrationDeps) {}

  async getClient(caller: Principal, input: { clientId: string }): Promise<PublicClient> {
    requireAdmin(caller);
    return publicClient(await requireClient(this.deps.clients, input.clientId));
  }

  /** One page of clients in id (creation) order, oldest or newest first; `nextPageToken` is empty on the last page. */
  async listClients(
    caller: Principal,
    input: {
      pageSize: number;
      pageToken: string;
      kind?: ClientKind;
      suspended?: boolean;
      emailVerified?: boolean;
      emailPrefix: string;
      group?: string;
      newestFirst?: boolean;
    },
  ): Promise<{ clients: PublicClient[]; nextPageToken: string }> {
    requireAdmin(caller);
    const limit = v.pageSize('page_size', input.pageSize, LIST_PAGE_DEFAULT, LIST_PAGE_MAX);
    const emailPrefix = v.text('email_prefix', input.emailPrefix, 254).toLowerCase();
    const group = input.group ? v.group('group', input.group) : undefined;
    const afterId = input.pageToken === '' ? undefined : decodePageToken(input.pageToken);
    // One more than asked for tells whether there is a next page without a second query.
    const page = await this.deps.clients.list({
      limit: limit + 1,
      ...(input.kind ? { kind: input.kind } : {}),
      ...(input.suspended !== undefined ? { suspended: input.suspended } : {}),
      ...(input.emailVerified !== undefined ? { emailVerified: input.emailVerified } : {}),
      ...(emailPrefix ? { emailPrefix } : {}),
      ...(group ? { group } : {}),
      ...(afterId ? { afterId } : {}),
      ...(input.newestFirst ? { newestFirst: true } : {}),
    });
    const clients = page.slice(0, limit);
    const last = clients[clients.length - 1];
    return {
      clients: clients.map(publicClient),
      nextPageToken: page.length > limit && last ? encodePageToken(last.id) : '',
    };
  }

  /**
   * Replaces a client's groups, keeping its kind's base group. The only path to "admin".
   * A change ends the client's sessions, as a password change does: tokens carry groups,
   * and a gateway must not go on honouring the old ones. The last active admin stays one.
   * A refusal is audited too.
   */
  setClientGroups(caller: Principal, input: { clientId: string; groups: string[] }, request: RequestContext = NO_REQUEST): Promise<PublicClient> {
    const attempt = { type: 'groups.changed', actor: caller.clientId, target: input.clientId } as const;
    return this.deps.audit.refusals(request, attempt, () => this.setGroups(caller, input, request));
  }

  private async setGroups(caller: Principal, input: { clientId: string; groups: string[] }, request: RequestContext): Promise<PublicClient> {
    requireAdmin(caller);
    const groups = v.groups('groups', input.groups);
    const client = await requireClient(this.deps.clients, input.clientId);
    const now = new Date(this.deps.now());
    const updated = await keepingAnAdmin(this.deps.clients, client, { groups: withBaseGroup(client.kind, groups), updatedAt: now });
    if (!updated) throw domainError('CLIENT_NOT_FOUND');
    if (!sameGroups(client.groups, updated.groups)) {
      const revoked = await this.deps.sessions.revokeAllOfClient(client.id, now);
      await revokeAccessTokensOf(this.deps, client.id, revoked, now.getTime() + this.deps.lifetimes.accessToken * 1000);
    }
    // Gateways verifying tokens themselves learn that tokens issued before now carry the old groups.
    await this.deps.revocationFeed.append({
      type: 'client.groups_changed',
      clientId: updated.id,
      sessionId: '',
      until: null,
      groups: updated.groups,
      at: this.deps.now(),
    });
    const details = { groupsBefore: client.groups, groupsAfter: updated.groups };
    this.deps.audit.record({ type: 'groups.changed', outcome: 'success', actor: caller.clientId, target: client.id, details }, request);
    return publicClient(updated);
  }

  /** The deletion requests in the outbox, newest first, delivered or not. */
  /** The outbox's deletion requests, newest first, a page at a time; `nextPageToken` is empty on the last page. */
  async listDeletionRequests(
    caller: Principal,
    input: { pageSize: number; pendingOnly: boolean; pageToken?: string },
  ): Promise<{ requests: DeletionRequestView[]; nextPageToken: string }> {
    requireAdmin(caller);
    const limit = v.pageSize('page_size', input.pageSize, LIST_PAGE_DEFAULT, LIST_PAGE_MAX);
    const beforeId = input.pageToken ? decodePageToken(input.pageToken) : undefined;
    // One more than asked for tells whether there is a next page without a second query.
    const found = await this.deps.outbox.list({
      type: 'client.deletion_requested',
      pendingOnly: input.pendingOnly,
      limit: limit + 1,
      ...(beforeId ? { beforeId } : {}),
    });
    const entries = found.slice(0, limit);
    const last = entries[entries.length - 1];
    const requests = entries.map((entry) => ({
      clientId: entry.clientId,
      kind: entry.clientKind,
      requestedAt: entry.at,
      requestedBy: entry.by,
      deliveredAt: entry.deliveredAt,
    }));
    return { requests, nextPageToken: found.length > limit && last ? encodePageToken(last.id) : '' };
  }
}

function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((group) => b.includes(group));
}
