/**
 * The end of a client's tokens of the original service when its password changes. The
 * original issued no `iat` and issues nothing after the switch, so every such token of the
 * client predates the change: all of them are refused, the changer's own included (a stolen
 * copy is the same token). Until LEGACY_TOKENS_UNTIL, after which they are refused anyway.
 */
import { describeError } from '../kernel/error-text.js';
import type { Logger } from '../kernel/logger.js';
import { legacyTokensRevocationIdOf, type RevocationList, type RevokedTokenStore } from '../revocation/ports.js';
import type { LegacyTokenEnds } from './ports.js';

export class LegacyTokenEnding implements LegacyTokenEnds {
  constructor(
    private readonly deps: {
      /** LEGACY_TOKENS_UNTIL. */
      until: Date;
      revokedTokens: Pick<RevokedTokenStore, 'record'>;
      revocations: RevocationList;
      log: Logger;
    },
  ) {}

  async endAllOf(clientId: string, at: Date): Promise<void> {
    const { until, revokedTokens, revocations, log } = this.deps;
    if (at.getTime() >= until.getTime()) return;
    const tokenId = legacyTokensRevocationIdOf(clientId);
    await revokedTokens.record({ kind: 'legacy', tokenId, revokedAt: at, expiresAt: until });
    // Stored: a list that cannot take it now refuses every token until it has replayed the
    // stores (it fails closed meanwhile), so this is logged, not a failure of the change.
    await revocations.revokeSession(tokenId, until.getTime()).catch((error: unknown) => {
      log.warn({ clientId, err: describeError(error) }, 'the end of tokens of the original service is not yet on the revocation list');
    });
  }
}
