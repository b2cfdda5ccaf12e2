/** An in-memory RevokedTokenStore (tokens and grants) with the port's guarantees (test/contract/revoked-token-store.contract.test.ts runs the real ones). */
import type { RevokedToken, RevokedTokenStore } from '../../../src/domain/revocation/ports.js';

export class FakeRevokedTokenStore implements RevokedTokenStore {
  readonly tokens = new Map<string, RevokedToken>();

  async record(token: RevokedToken): Promise<void> {
    this.tokens.set(token.tokenId, { ...token });
  }

  async listLive(query: { now: Date; revokedSince?: Date; afterId?: string; limit: number }): Promise<RevokedToken[]> {
    return [...this.tokens.values()]
      .filter((token) => token.expiresAt.getTime() > query.now.getTime())
      .filter((token) => query.revokedSince === undefined || token.revokedAt.getTime() >= query.revokedSince.getTime())
      .filter((token) => query.afterId === undefined || token.tokenId > query.afterId)
      .sort((a, b) => (a.tokenId < b.tokenId ? -1 : 1))
      .slice(0, query.limit)
      .map((token) => ({ ...token }));
  }

  async sweepExpired(now: Date): Promise<number> {
    let swept = 0;
    for (const [id, token] of this.tokens) if (token.expiresAt.getTime() <= now.getTime() && this.tokens.delete(id)) swept++;
    return swept;
  }
}
