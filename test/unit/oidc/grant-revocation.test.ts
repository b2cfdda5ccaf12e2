import { expect } from 'chai';
import { UnavailableError } from '../../../src/domain/kernel/errors.js';
import { OidcGrantRevocation } from '../../../src/domain/oidc/grant-revocation.js';
import type { OidcRecord } from '../../../src/domain/oidc/ports.js';
import type { RevokedToken } from '../../../src/domain/revocation/ports.js';
import { FakeOidcStore } from '../fakes/oidc.js';
import { FakeRevokedTokenStore } from '../fakes/revoked-tokens.js';
import { FakeRevocationList } from '../fakes/world.js';

const NOW = Date.UTC(2026, 11, 7, 12);
const ACCESS_SECONDS = 900;
const UNTIL = NOW + ACCESS_SECONDS * 1000;

const refreshToken = (id: string, grantId: string, accountId: string): OidcRecord => ({
  model: 'RefreshToken',
  id,
  payload: {},
  grantId,
  uid: null,
  userCode: null,
  accountId,
  expiresAt: new Date(NOW + 86_400_000),
  consumedAt: null,
});

function grantRevocationWith(revokedTokens = new FakeRevokedTokenStore()) {
  const oidcRecords = new FakeOidcStore();
  const revocations = new FakeRevocationList(() => NOW);
  const logs: string[] = [];
  const grants = new OidcGrantRevocation({
    oidcRecords,
    revocations,
    revokedTokens,
    sessions: { findSession: async () => null },
    lifetimes: { accessToken: ACCESS_SECONDS, serviceToken: 300, refreshToken: 86_400, retiredRefreshToken: 0 },
    log: { info: () => {}, warn: (fields, message) => logs.push(JSON.stringify({ ...fields, msg: message })), error: () => {} },
    now: () => NOW,
  });
  return { oidcRecords, revocations, revokedTokens, grants, logs };
}

const kept = (grantId: string): RevokedToken => ({ kind: 'grant', tokenId: grantId, revokedAt: new Date(NOW), expiresAt: new Date(UNTIL) });

describe('Revoking grants of the OpenID Provider (unit, with fakes)', () => {
  it('keeps a grant the provider revoked in the stores until its last access token expires, and lists it', async () => {
    const { revocations, revokedTokens, grants } = grantRevocationWith();
    await grants.grantRevoked('grant-1');
    expect(await revokedTokens.listLive({ now: new Date(NOW), limit: 10 })).to.deep.equal([kept('grant-1')]);
    expect(revocations.entries.snapshot().sessions).to.deep.equal([{ id: 'grant-1', until: UNTIL }]);
  });

  it('keeps every grant of a person our logout, suspension, demotion or deletion ends, and ends their refresh tokens', async () => {
    const { oidcRecords, revocations, revokedTokens, grants } = grantRevocationWith();
    await oidcRecords.upsert(refreshToken('rt-1', 'grant-1', 'person-1'));
    await oidcRecords.upsert(refreshToken('rt-2', 'grant-2', 'person-1'));
    await oidcRecords.upsert(refreshToken('rt-3', 'grant-3', 'person-2'));
    await grants.revokeGrantsOf('person-1');
    expect(await revokedTokens.listLive({ now: new Date(NOW), limit: 10 })).to.deep.equal([kept('grant-1'), kept('grant-2')]);
    expect(
      revocations.entries
        .snapshot()
        .sessions.map((entry) => entry.id)
        .sort(),
    ).to.deep.equal(['grant-1', 'grant-2']);
    expect(await oidcRecords.grantIdsOfAccount('person-1')).to.deep.equal([]);
    expect(await oidcRecords.grantIdsOfAccount('person-2')).to.deep.equal(['grant-3']);
  });

  it('keeps the grant when the revocation list cannot be reached, for the replay', async () => {
    const { revocations, revokedTokens, grants } = grantRevocationWith();
    revocations.down = true;
    await grants.grantRevoked('grant-1');
    expect(await revokedTokens.listLive({ now: new Date(NOW), revokedSince: new Date(NOW), limit: 10 })).to.deep.equal([kept('grant-1')]);
  });

  it('still ends and lists the grants when the store cannot keep them, and says so in the log without the ids', async () => {
    const store = new FakeRevokedTokenStore();
    store.record = async () => {
      throw new UnavailableError('the revoked token store');
    };
    const { oidcRecords, revocations, grants, logs } = grantRevocationWith(store);
    await oidcRecords.upsert(refreshToken('rt-1', 'grant-1', 'person-1'));
    await grants.revokeGrantsOf('person-1');
    await grants.grantRevoked('grant-2');
    expect(await oidcRecords.grantIdsOfAccount('person-1')).to.deep.equal([]);
    expect(
      revocations.entries
        .snapshot()
        .sessions.map((entry) => entry.id)
        .sort(),
    ).to.deep.equal(['grant-1', 'grant-2']);
    expect(logs.filter((line) => line.includes('revoked grants not kept in the stores'))).to.have.length(2);
    expect(logs.join('\n')).to.not.include('grant-1');
  });
});
