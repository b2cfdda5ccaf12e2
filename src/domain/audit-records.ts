/** How the outcomes of the credential checks (logins, service tokens) read in the audit trail. */
import { ANONYMOUS, type AuditInput } from './audit-event';
import type { OutcomeRecords } from './audited';
import type { IssuedToken } from './token-issuer';

/** What a login learnt before it was decided, for its record. */
export interface LoginAttempt {
  /** The email as given; recorded lower-cased and trimmed. */
  email: string;
  /** The user the email belongs to, once looked up ('' for none). */
  target: string;
}

/**
 * A throttled login is refused before its email is looked up, so as not to spend a read on
 * a flood; `findUser` finds the account for the record once the refusal has gone out.
 */
export function loginRecords<T extends { client: { id: string }; sessionId: string }>(
  attempt: LoginAttempt,
  findUser: (email: string) => Promise<string>,
): OutcomeRecords<T> {
  const email = () => attempt.email.trim().toLowerCase();
  return {
    success: ({ client, sessionId }) => ({ type: 'login.succeeded', outcome: 'success', actor: client.id, target: client.id, sessionId }),
    failure: (reason) => ({
      type: reason === 'TOO_MANY_ATTEMPTS' ? 'login.throttled' : 'login.failed',
      outcome: 'failure',
      actor: ANONYMOUS,
      target: attempt.target,
      details: { reason, email: email() },
      ...(reason === 'TOO_MANY_ATTEMPTS' && attempt.target === '' ? { findTarget: () => findUser(email()) } : {}),
    }),
    // A flood against one email leaves one throttled record a minute, not one per try.
    coalesceKey: (failure: AuditInput) => (failure.type === 'login.throttled' ? `login.throttled:${email()}` : undefined),
  };
}

export function serviceTokenRecords(clientId: string, known: () => boolean): OutcomeRecords<IssuedToken> {
  return {
    success: () => ({ type: 'service_token.issued', outcome: 'success', actor: clientId, target: clientId }),
    failure: (reason) => ({ type: 'service_token.issued', outcome: 'failure', actor: ANONYMOUS, target: known() ? clientId : '', details: { reason } }),
  };
}
