/** How the outcomes of the second step of a login, and of a passkey login, read in the audit trail. */
import type { OutcomeRecords } from '../audit/ports.js';
import { ANONYMOUS } from '../kernel/request.js';

/** CompleteLogin: the second step of a login, with the factor it used. */
export function secondFactorRecords(attempt: { target: string; method: string }): OutcomeRecords<{ sessionId: string }> {
  const details = () => (attempt.method ? { method: attempt.method } : {});
  return {
    success: ({ sessionId }) => ({
      type: 'second_factor.passed',
      outcome: 'success',
      actor: attempt.target,
      target: attempt.target,
      sessionId,
      details: details(),
    }),
    failure: (reason) => ({ type: 'second_factor.failed', outcome: 'failure', actor: ANONYMOUS, target: attempt.target, details: { reason, ...details() } }),
  };
}

/** FinishPasskeyLogin: a login with a passkey and no password. */
export function passkeyLoginRecords(attempt: { target: string }): OutcomeRecords<{ client: { id: string }; sessionId: string }> {
  return {
    success: ({ client, sessionId }) => ({
      type: 'login.succeeded',
      outcome: 'success',
      actor: client.id,
      target: client.id,
      sessionId,
      details: { method: 'passkey' },
    }),
    failure: (reason) => ({ type: 'login.failed', outcome: 'failure', actor: ANONYMOUS, target: attempt.target, details: { reason, method: 'passkey' } }),
  };
}
