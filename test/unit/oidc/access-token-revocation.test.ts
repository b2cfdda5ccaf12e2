import { expect } from 'chai';
import type { Principal } from '../../../src/domain/kernel/client.js';
import { domainError, UnavailableError } from '../../../src/domain/kernel/errors.js';
import { OidcAccessTokenRevocation } from '../../../src/domain/oidc/access-token-revocation.js';
import { tokenRevocationIdOf } from '../../../src/domain/revocation/ports.js';
import { FakeRevokedTokenStore } from '../fakes/revoked-tokens.js';
import { FakeRevocationList } from '../fakes/world.js';

const NOW = Date.UTC(2026, 11, 7, 12);
const EXPIRES = new Date(NOW + 15 * 60_000);

/** A token the provider issued to `clientId`, as ValidateToken would prove it. */
const issued = (clientId: string): Principal => ({
  clientId: 'person-1',
  kind: 'user',
  groups: [],
  sessionId: 'grant-1',
  expiresAt: EXPIRES,
  amr: ['pwd'],
  issuedTo: { clientId, tokenId: 'jti-1' },
});

function revocationOf(principal: Principal | 'refused') {
  const revocations = new FakeRevocationList(() => NOW);
  const revokedTokens = new FakeRevokedTokenStore();
  const accessTokens = {
    validateToken: async () => {
      if (principal === 'refused') throw domainError('TOKEN_EXPIRED');
      return principal;
    },
  };
  return { revocations, revokedTokens, revocation: new OidcAccessTokenRevocation({ accessTokens, revocations, revokedTokens, now: () => NOW }) };
}

describe('Revoking one access token of the OpenID Provider (unit, with fakes)', () => {
  it('lists the token by its id until it expires, when the client it was issued to asks', async () => {
    const { revocations, revocation } = revocationOf(issued('app-1'));
    expect(await revocation.revokeAccessToken('app-1', 'token')).to.equal(true);
    expect(await revocations.status('person-1', tokenRevocationIdOf('jti-1'))).to.equal('SESSION_REVOKED');
    // Only that token: its grant (its session) is not listed.
    expect(await revocations.status('person-1', 'grant-1')).to.equal(null);
    expect(revocations.entries.snapshot().sessions).to.deep.equal([{ id: tokenRevocationIdOf('jti-1'), until: EXPIRES.getTime() }]);
  });

  it('keeps the revocation in the stores until the token expires, so a lost list is refilled with it', async () => {
    const { revokedTokens, revocation } = revocationOf(issued('app-1'));
    await revocation.revokeAccessToken('app-1', 'token');
    expect(await revokedTokens.listLive({ now: new Date(NOW), limit: 10 })).to.deep.equal([
      { kind: 'token', tokenId: 'jti-1', revokedAt: new Date(NOW), expiresAt: EXPIRES },
    ]);
  });

  it('keeps the revocation in the stores when the list cannot be reached, for the replay', async () => {
    const { revocations, revokedTokens, revocation } = revocationOf(issued('app-1'));
    revocations.down = true;
    await revocation.revokeAccessToken('app-1', 'token').catch(() => undefined);
    expect((await revokedTokens.listLive({ now: new Date(NOW), revokedSince: new Date(NOW), limit: 10 })).map((token) => token.tokenId)).to.deep.equal([
      'jti-1',
    ]);
  });

  it("changes nothing for another client's token, our own login's, or one no longer valid", async () => {
    for (const principal of [issued('app-1'), { ...issued('app-1'), issuedTo: undefined }, 'refused'] as const) {
      const { revocations, revokedTokens, revocation } = revocationOf(principal as Principal | 'refused');
      expect(await revocation.revokeAccessToken('app-2', 'token')).to.equal(false);
      expect(revocations.entries.snapshot().sessions).to.deep.equal([]);
      expect(revokedTokens.tokens.size).to.equal(0);
    }
  });

  it('says the revocation list cannot be reached rather than claim a revocation', async () => {
    const { revocations, revocation } = revocationOf(issued('app-1'));
    revocations.down = true;
    let error: unknown;
    await revocation.revokeAccessToken('app-1', 'token').catch((caught: unknown) => {
      error = caught;
    });
    expect(error).to.be.instanceOf(UnavailableError);
  });
});
