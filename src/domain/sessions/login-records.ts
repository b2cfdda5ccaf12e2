/** How the outcomes of a password login read in the audit trail. */

import type { AuditInput, OutcomeRecords } from '../audit/ports.js';
import { ANONYMOUS } from '../kernel/request.js';

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
export function loginRecords(
  attempt: LoginAttempt,
  findUser: (email: string) => Promise<string>,
): OutcomeRecords<{ client: { id: string }; sessionId: string } | { challengeToken: string }> {
  const email = () => attempt.email.trim().toLowerCase();
  return {
    // A right password with a second factor to come is not a login yet.
    success: (result) =>
      'sessionId' in result
        ? { type: 'login.succeeded', outcome: 'success', actor: result.client.id, target: result.client.id, sessionId: result.sessionId }
        : { type: 'login.second_factor_required', outcome: 'success', actor: attempt.target, target: attempt.target },
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
