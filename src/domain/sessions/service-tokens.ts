/** IssueServiceToken: the client-credentials exchange of service clients. */

import type { AttemptLimits } from '../abuse/ports.js';
import type { AuditRecorder, OutcomeRecords } from '../audit/ports.js';
import type { ClientStore } from '../clients/ports.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { ANONYMOUS, NO_REQUEST, type RequestContext } from '../kernel/request.js';
import { hashSecret, sameHash } from '../kernel/secrets.js';
import * as v from '../kernel/validation.js';
import type { IssuedToken, Lifetimes, TokenIssuer } from './ports.js';

const MAX_SECRET_LENGTH = 128;
/**
 * A service's last token issue is kept to the minute. A service that takes a token per
 * request would otherwise turn every token into a write of its client record; this way
 * its record is written at most once a minute, whatever the rate and however many
 * instances serve it (the store's write is conditional), which is all a console needs.
 */
const TOKEN_ISSUE_PRECISION_MS = 60_000;
const DUMMY_SECRET_HASH = hashSecret('no client has this secret');

export interface ServiceTokensDeps {
  clients: ClientStore;
  tokens: TokenIssuer;
  limits: AttemptLimits;
  lifetimes: Lifetimes;
  audit: AuditRecorder;
  now: Clock;
}

export class ServiceTokens {
  constructor(private readonly deps: ServiceTokensDeps) {}

  /** Exchanges a service client's id and secret for a short-lived access token. */
  issueServiceToken(input: { clientId: string; clientSecret: string; source?: string }, request: RequestContext = NO_REQUEST): Promise<IssuedToken> {
    const seen = { known: false };
    const records = serviceTokenRecords(input.clientId, () => seen.known);
    return this.deps.audit.outcome(request, () => this.checkSecret(input, seen), records);
  }

  private async checkSecret(input: { clientId: string; clientSecret: string; source?: string }, seen: { known: boolean }): Promise<IssuedToken> {
    if (input.clientId === '') throw invalidArgument('client_id', 'client_id is required');
    if (input.clientSecret === '') throw invalidArgument('client_secret', 'client_secret is required');
    const client = await this.deps.limits.checkServiceSecret(input.source ?? '', async () => {
      if (input.clientSecret.length > MAX_SECRET_LENGTH) return null;
      const found = v.isClientId(input.clientId) ? await this.deps.clients.findById(input.clientId) : null;
      const service = found?.kind === 'service' && found.secretHash !== null ? found : null;
      seen.known = service !== null;
      // Compare against something even for an unknown id, so timing says nothing.
      const matches = sameHash(hashSecret(input.clientSecret), service?.secretHash ?? DUMMY_SECRET_HASH);
      return matches ? service : null;
    });
    if (!client) throw domainError('INVALID_CREDENTIALS');
    if (client.suspended) throw domainError('CLIENT_SUSPENDED');
    // A service token belongs to no login session: its session id is fresh and never stored.
    const now = this.deps.now();
    const subject = { clientId: client.id, kind: client.kind, groups: client.groups, sessionId: newId(now) };
    const issued = await this.deps.tokens.issue(subject, this.deps.lifetimes.serviceToken);
    // The record just read says whether the stored time is stale: most tokens cost no write.
    const last = client.lastTokenIssuedAt?.getTime() ?? null;
    if (last === null || now - last >= TOKEN_ISSUE_PRECISION_MS) {
      await this.deps.clients.recordTokenIssue(client.id, new Date(now), new Date(now - TOKEN_ISSUE_PRECISION_MS + 1));
    }
    return issued;
  }
}

/** How IssueServiceToken reads in the audit trail; a failure names the client only if it exists. */
export function serviceTokenRecords(clientId: string, known: () => boolean): OutcomeRecords<IssuedToken> {
  return {
    success: () => ({ type: 'service_token.issued', outcome: 'success', actor: clientId, target: clientId }),
    failure: (reason) => ({ type: 'service_token.issued', outcome: 'failure', actor: ANONYMOUS, target: known() ? clientId : '', details: { reason } }),
  };
}
