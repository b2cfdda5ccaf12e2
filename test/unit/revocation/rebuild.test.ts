import { expect } from 'chai';
import type { ClientQuery } from '../../../src/domain/clients/ports.js';
import { newId } from '../../../src/domain/kernel/ids.js';
import { legacyTokensRevocationIdOf, tokenRevocationIdOf } from '../../../src/domain/revocation/ports.js';
import { rebuildRevocations } from '../../../src/domain/revocation/rebuild.js';
import { FakeRevocationList, registeredUser, world } from '../fakes/world.js';

const LISTED_MS = 15 * 60_000;

describe('Rebuilding a lost revocation list from the stores', () => {
  it("puts back the end of a client's tokens of the original service, under its name, until LEGACY_TOKENS_UNTIL", async () => {
    const w = world();
    const person = await registeredUser(w);
    const tokenId = legacyTokensRevocationIdOf(person.client.id);
    const until = w.clock.now() + 7 * 24 * 3600_000;
    await w.revokedTokens.record({ kind: 'legacy', tokenId, revokedAt: new Date(w.clock.now()), expiresAt: new Date(until) });
    const revocations = new FakeRevocationList(w.clock.now);
    const rebuilt = await rebuildRevocations({ ...w, revocations, listedMs: LISTED_MS, now: w.clock.now });
    expect(rebuilt).to.include({ legacy: 1, tokens: 0, grants: 0 });
    expect(revocations.entries.snapshot().sessions).to.deep.include({ id: tokenId, until });
    expect(await revocations.status(person.client.id, tokenId)).to.equal('SESSION_REVOKED');
  });

  it('lists suspended clients, recent deletions and recent logouts, and nothing older or lifted', async () => {
    const w = world();
    const suspended = await registeredUser(w);
    const loggedOutNow = await registeredUser(w);
    const loggedOutLongAgo = await registeredUser(w);
    const live = await registeredUser(w);
    await w.clients.update(suspended.client.id, { suspended: true, suspensionReason: 'abuse' });
    await w.sessions.revoke(loggedOutLongAgo.principal.sessionId, new Date(w.clock.now()));
    const deletion = (clientId: string) =>
      w.outbox.add({
        id: newId(w.clock.now()),
        type: 'client.deletion_requested',
        clientId,
        clientKind: 'user',
        at: new Date(w.clock.now()),
        by: clientId,
        reason: '',
        deliveredAt: null,
      });
    const [deletedLongAgo, deletedNow] = [newId(), newId()];
    await deletion(deletedLongAgo);
    w.clock.advance(LISTED_MS + 1000);
    await deletion(deletedNow);
    await w.sessions.revoke(loggedOutNow.principal.sessionId, new Date(w.clock.now()));
    // Access tokens revoked one by one (RFC 7009): listed until their own expiry, not after.
    const revokedAt = new Date(w.clock.now());
    await w.revokedTokens.record({ kind: 'token', tokenId: 'jti-live', revokedAt, expiresAt: new Date(w.clock.now() + 60_000) });
    await w.revokedTokens.record({ kind: 'token', tokenId: 'jti-expired', revokedAt, expiresAt: new Date(w.clock.now()) });
    // Grants revoked whole: listed as revoked sessions (their tokens' sid) until their last access token expires.
    await w.revokedTokens.record({ kind: 'grant', tokenId: 'grant-live', revokedAt, expiresAt: new Date(w.clock.now() + 90_000) });
    await w.revokedTokens.record({ kind: 'grant', tokenId: 'grant-expired', revokedAt, expiresAt: new Date(w.clock.now()) });

    const revocations = new FakeRevocationList(w.clock.now);
    const rebuilt = await rebuildRevocations({ ...w, revocations, listedMs: LISTED_MS, now: w.clock.now });

    expect(rebuilt).to.deep.equal({ suspended: 1, deleted: 1, sessions: 1, tokens: 1, grants: 1, legacy: 0 });
    expect(revocations.entries.snapshot().sessions).to.deep.include({ id: 'grant-live', until: w.clock.now() + 90_000 });
    expect(await revocations.status(live.principal.clientId, 'grant-live')).to.equal('SESSION_REVOKED');
    expect(await revocations.status(live.principal.clientId, 'grant-expired')).to.equal(null);
    expect(revocations.entries.snapshot().sessions).to.deep.include({ id: tokenRevocationIdOf('jti-live'), until: w.clock.now() + 60_000 });
    expect(await revocations.status(live.principal.clientId, tokenRevocationIdOf('jti-live'))).to.equal('SESSION_REVOKED');
    expect(await revocations.status(live.principal.clientId, tokenRevocationIdOf('jti-expired'))).to.equal(null);
    const status = (who: { principal: { clientId: string; sessionId: string } }) => revocations.status(who.principal.clientId, who.principal.sessionId);
    expect(await status(suspended)).to.equal('CLIENT_SUSPENDED');
    expect(await status(loggedOutNow)).to.equal('SESSION_REVOKED');
    expect(await status(loggedOutLongAgo)).to.equal(null);
    expect(await status(live)).to.equal(null);
    expect(await revocations.status(deletedNow, newId())).to.equal('CLIENT_DELETED');
    expect(await revocations.status(deletedLongAgo, newId())).to.equal(null);
  });

  it('replays, with `since`, only what the stores changed from then on', async () => {
    const w = world();
    const [suspendedBefore, suspendedAfter, loggedOutBefore, loggedOutAfter] = [
      await registeredUser(w),
      await registeredUser(w),
      await registeredUser(w),
      await registeredUser(w),
    ];
    const deletion = (clientId: string) =>
      w.outbox.add({
        id: newId(w.clock.now()),
        type: 'client.deletion_requested',
        clientId,
        clientKind: 'user',
        at: new Date(w.clock.now()),
        by: clientId,
        reason: '',
        deliveredAt: null,
      });
    const [deletedBefore, deletedAfter] = [newId(), newId()];
    await w.clients.update(suspendedBefore.client.id, { suspended: true, suspendedAt: new Date(w.clock.now()) });
    await w.sessions.revoke(loggedOutBefore.principal.sessionId, new Date(w.clock.now()));
    await deletion(deletedBefore);
    const expiresAt = new Date(w.clock.now() + 60_000);
    await w.revokedTokens.record({ kind: 'token', tokenId: 'jti-before', revokedAt: new Date(w.clock.now()), expiresAt });
    await w.revokedTokens.record({ kind: 'grant', tokenId: 'grant-before', revokedAt: new Date(w.clock.now()), expiresAt });
    w.clock.advance(1000);
    const since = w.clock.now();
    await w.clients.update(suspendedAfter.client.id, { suspended: true, suspendedAt: new Date(w.clock.now()) });
    await w.sessions.revoke(loggedOutAfter.principal.sessionId, new Date(w.clock.now()));
    await deletion(deletedAfter);
    await w.revokedTokens.record({ kind: 'token', tokenId: 'jti-after', revokedAt: new Date(w.clock.now()), expiresAt });
    await w.revokedTokens.record({ kind: 'grant', tokenId: 'grant-after', revokedAt: new Date(w.clock.now()), expiresAt });

    const revocations = new FakeRevocationList(w.clock.now);
    const replayed = await rebuildRevocations({ ...w, revocations, listedMs: LISTED_MS, now: w.clock.now }, { since });

    expect(replayed).to.deep.equal({ suspended: 1, deleted: 1, sessions: 1, tokens: 1, grants: 1, legacy: 0 });
    expect(await revocations.status(newId(), 'grant-after')).to.equal('SESSION_REVOKED');
    expect(await revocations.status(newId(), 'grant-before')).to.equal(null);
    expect(await revocations.status(newId(), tokenRevocationIdOf('jti-after'))).to.equal('SESSION_REVOKED');
    expect(await revocations.status(newId(), tokenRevocationIdOf('jti-before'))).to.equal(null);
    const status = (who: { principal: { clientId: string; sessionId: string } }) => revocations.status(who.principal.clientId, who.principal.sessionId);
    expect(await status(suspendedAfter)).to.equal('CLIENT_SUSPENDED');
    expect(await status(loggedOutAfter)).to.equal('SESSION_REVOKED');
    expect(await revocations.status(deletedAfter, newId())).to.equal('CLIENT_DELETED');
    expect(await status(suspendedBefore)).to.equal(null);
    expect(await status(loggedOutBefore)).to.equal(null);
    expect(await revocations.status(deletedBefore, newId())).to.equal(null);
  });

  it('lifts a suspension that a reinstatement ended while the rebuild was listing it', async () => {
    const w = world();
    const { client, principal } = await registeredUser(w);
    await w.clients.update(client.id, { suspended: true });
    // The reinstatement lands (in the store and on the list) just after the first read.
    const clients = Object.create(w.clients) as typeof w.clients;
    let reads = 0;
    clients.list = async (query: ClientQuery) => {
      const page = await w.clients.list(query);
      if (++reads === 1) {
        await w.clients.update(client.id, { suspended: false });
        await revocations.reinstateClient(client.id);
      }
      return page;
    };
    const revocations = new FakeRevocationList(w.clock.now);
    const rebuilt = await rebuildRevocations({ ...w, clients, revocations, listedMs: LISTED_MS, now: w.clock.now });
    expect(rebuilt.suspended).to.equal(0);
    expect(await revocations.status(client.id, principal.sessionId)).to.equal(null);
  });
});
