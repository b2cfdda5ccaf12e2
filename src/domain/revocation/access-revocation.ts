import { describe } from './describe-error.js';
import type { Logger } from './logger.js';
import type { RevocationList } from './ports.js';

/**
 * Puts sessions just revoked in the store on the revocation list until `until` (ms since
 * the epoch), so their access tokens fail at once rather than at expiry. The change that
 * caused it is already stored (their refresh tokens are dead), so a revocation list that
 * cannot be reached now is logged, not reported as a failure of that change: its tokens
 * die within one access lifetime.
 */
export async function revokeAccessTokensOf(
  deps: { revocations: RevocationList; log: Logger },
  clientId: string,
  sessionIds: string[],
  until: number,
): Promise<void> {
  await Promise.all(sessionIds.map((sessionId) => deps.revocations.revokeSession(sessionId, until))).catch((error: unknown) => {
    deps.log.warn({ clientId, sessions: sessionIds.length, err: describe(error) }, 'revoked sessions not yet on the revocation list');
  });
}
