/**
 * Revocation of one access token by the client it was issued to (RFC 7009). The
 * provider's access tokens are JWTs that gateways check through ValidateToken, GET /auth
 * and ext_authz, so revoking one puts its id on the revocation list, which every instance
 * consults on every check: from then on it is refused with TOKEN_REVOKED, until it would
 * have expired anyway. Its grant and session go on: only that token ends.
 *
 * The stores keep the revocation first (RevokedTokenStore), as they keep a revoked session:
 * the list's shared copy can be lost (a Redis restarted empty) or miss the write (Redis
 * unreachable), and its refill and replay put back what the stores hold.
 */

import type { Clock } from '../kernel/clock.js';
import { UnavailableError } from '../kernel/errors.js';
import { type RevocationList, type RevokedTokenStore, tokenRevocationIdOf } from '../revocation/ports.js';
import type { AccessTokenCheck } from './ports.js';

export interface OidcAccessTokenRevocationDeps {
  accessTokens: AccessTokenCheck;
  revocations: Pick<RevocationList, 'revokeSession'>;
  revokedTokens: Pick<RevokedTokenStore, 'record'>;
  now: Clock;
}

export class OidcAccessTokenRevocation {
  constructor(private readonly deps: OidcAccessTokenRevocationDeps) {}

  /**
   * Revokes `token` if it is a live access token the provider issued to `callerClientId`
   * (already authenticated by the provider). Anything else (another client's token, one our
   * own login issued, an expired, revoked or unknown one) is left alone, and the answer is
   * the same (RFC 7009 section 2.2): true only says the list changed. Throws
   * UnavailableError when the revocation list cannot be reached, so the caller can say so
   * rather than claim a revocation that did not happen (when the store kept it, the list's
   * replay puts it back once the list is reachable; a retry then finds it revoked).
   */
  async revokeAccessToken(callerClientId: string, token: string): Promise<boolean> {
    const principal = await this.deps.accessTokens.validateToken(token).catch((error: unknown) => {
      if (error instanceof UnavailableError) throw error;
      return null;
    });
    const issuedTo = principal?.issuedTo;
    if (principal === null || issuedTo === undefined || issuedTo.clientId !== callerClientId) return false;
    await this.deps.revokedTokens.record({ kind: 'token', tokenId: issuedTo.tokenId, revokedAt: new Date(this.deps.now()), expiresAt: principal.expiresAt });
    await this.deps.revocations.revokeSession(tokenRevocationIdOf(issuedTo.tokenId), principal.expiresAt.getTime());
    return true;
  }
}
