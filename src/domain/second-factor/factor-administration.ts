/** ResetSecondFactor, and ListClients filtered by whether a client has a second factor: the admins' side of second factors. */

import type { AuditRecorder } from '../audit/ports.js';
import type { ClientStore } from '../clients/ports.js';
import { type ClientKind, type Principal, type PublicClient, requireAdmin } from '../kernel/client.js';
import type { Logger } from '../kernel/logger.js';
import { encodePageToken, LIST_PAGE_DEFAULT, LIST_PAGE_MAX } from '../kernel/page-token.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import type { ClientDirectory, SecondFactorStore } from './ports.js';

export interface SecondFactorAdministrationDeps {
  clients: ClientStore;
  secondFactors: SecondFactorStore;
  log: Logger;
  audit: AuditRecorder;
}

export class SecondFactorAdministration {
  constructor(
    private readonly deps: SecondFactorAdministrationDeps,
    private readonly directory: ClientDirectory,
  ) {}

  /**
   * Removes every second factor of a client (its TOTP, recovery codes and passkeys), for a
   * user who lost them; the next login needs the password alone. Written to the log with
   * the admin who did it.
   */
  resetSecondFactor(caller: Principal, input: { clientId: string }, request: RequestContext = NO_REQUEST): Promise<PublicClient> {
    const attempt = { type: 'second_factor.reset', actor: caller.clientId, target: input.clientId } as const;
    return this.deps.audit.refusals(request, attempt, () => this.reset(caller, input, request));
  }

  private async reset(caller: Principal, input: { clientId: string }, request: RequestContext): Promise<PublicClient> {
    requireAdmin(caller);
    const client = await this.directory.getClient(caller, input);
    await this.deps.secondFactors.deleteAllOfClient(client.id);
    this.deps.log.info({ clientId: client.id, by: caller.clientId }, 'second factors reset by an admin');
    this.deps.audit.record({ type: 'second_factor.reset', outcome: 'success', actor: caller.clientId, target: client.id }, request);
    return client;
  }

  /**
   * ListClients keeping only clients that have (or have not) a second factor. The other
   * filters and the paging are ListClients' own; this walks its pages until one of ours is
   * full, so a rare answer costs a longer walk.
   */
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
      hasSecondFactor: boolean;
    },
  ): Promise<{ clients: PublicClient[]; nextPageToken: string }> {
    requireAdmin(caller);
    const limit = v.pageSize('page_size', input.pageSize, LIST_PAGE_DEFAULT, LIST_PAGE_MAX);
    const { hasSecondFactor, ...query } = input;
    const kept: PublicClient[] = [];
    let pageToken = input.pageToken;
    do {
      const page = await this.directory.listClients(caller, { ...query, pageSize: LIST_PAGE_MAX, pageToken });
      const withFactor = await this.deps.secondFactors.haveFactor(page.clients.map((client) => client.id));
      for (const client of page.clients) {
        if (withFactor.has(client.id) !== hasSecondFactor) continue;
        kept.push(client);
        if (kept.length === limit) return { clients: kept, nextPageToken: encodePageToken(client.id) };
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return { clients: kept, nextPageToken: '' };
  }
}
