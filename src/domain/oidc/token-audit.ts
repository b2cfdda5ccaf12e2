/**
 * How the OpenID Provider's token endpoint reads in the audit trail: one `oidc_token.issued`
 * record per token response (client credentials, code exchange, refresh), as
 * IssueServiceToken and Login leave theirs, and a failure record for each client whose
 * authentication was refused there, as a wrong IssueServiceToken secret leaves one. The
 * protocol is the library's (bridge/oidc/); what the trail says of it is decided here. No
 * record holds a token, code or secret: ids, the grant type and the reason only.
 */

import type { AuditRecorder } from '../audit/ports.js';
import { ANONYMOUS, type RequestContext } from '../kernel/request.js';
import { OIDC_GRANT_TYPES, type OidcGrantType } from './ports.js';

/** A token response the provider sent. */
export interface OidcTokenIssue {
  /** The OAuth client that got it. */
  clientId: string;
  grantType: OidcGrantType;
  /** The person it is for; null for client credentials, whose subject is the client. */
  accountId: string | null;
  /** The grant it belongs to (a person's tokens), recorded as the session; null for client credentials. */
  grantId: string | null;
}

/** Why a client was refused at the token endpoint. */
export type OidcClientRefusal = 'INVALID_CREDENTIALS' | 'TOO_MANY_ATTEMPTS';

export interface OidcTokenAuditDeps {
  audit: AuditRecorder;
}

export class OidcTokenAudit {
  constructor(private readonly deps: OidcTokenAuditDeps) {}

  tokenIssued(issue: OidcTokenIssue, request: RequestContext): void {
    this.deps.audit.record(
      {
        type: 'oidc_token.issued',
        outcome: 'success',
        actor: issue.clientId,
        target: issue.accountId ?? issue.clientId,
        ...(issue.grantId ? { sessionId: issue.grantId } : {}),
        details: { grantType: issue.grantType },
      },
      request,
    );
  }

  /**
   * A client refused at the token endpoint. `knownClientId` is the client it named if that
   * is one of the provider's clients, else null (an unknown id is not written down, as for
   * IssueServiceToken); `grantType` is kept only when it is one the provider serves.
   */
  clientRefused(knownClientId: string | null, reason: OidcClientRefusal, grantType: string, request: RequestContext): void {
    const served = (OIDC_GRANT_TYPES as readonly string[]).includes(grantType);
    this.deps.audit.record(
      {
        type: 'oidc_token.issued',
        outcome: 'failure',
        actor: ANONYMOUS,
        target: knownClientId ?? '',
        details: { reason, ...(served ? { grantType } : {}) },
      },
      request,
    );
  }
}
