import { expect } from 'chai';
import type { PasskeyRecord } from '../../../src/domain/second-factor/ports.js';
import { reasonOf, registeredUser, type World, world } from '../fakes/world.js';

/** A passkey of `clientId` as a registration would have stored it. */
async function storedPasskey(w: World, clientId: string): Promise<PasskeyRecord> {
  const passkey: PasskeyRecord = {
    id: `cred-${Math.random().toString(36).slice(2)}`,
    clientId,
    publicKey: 'pQECAyYgASFYIA',
    counter: 3,
    transports: ['internal'],
    name: 'passkey',
    backedUp: true,
    createdAt: new Date(w.clock.now()),
    lastUsedAt: null,
  };
  await w.secondFactors.addPasskey(passkey);
  return passkey;
}

describe('RenamePasskey (unit, with fakes)', () => {
  it("renames one of the caller's passkeys, trimmed, returns it as ListPasskeys shows it, and records the change", async () => {
    const w = world();
    const user = await registeredUser(w);
    const passkey = await storedPasskey(w, user.client.id);
    const renamed = await w.useCases.passkeys.rename(user.principal, { passkeyId: passkey.id, name: '  work laptop ' });
    expect(renamed).to.deep.equal({
      id: passkey.id,
      name: 'work laptop',
      transports: ['internal'],
      backedUp: true,
      createdAt: passkey.createdAt,
      lastUsedAt: null,
    });
    expect((await w.useCases.passkeys.list(user.principal)).map((listed) => listed.name)).to.deep.equal(['work laptop']);
    await w.audit.flush();
    const records = [...w.auditLog.records.values()].filter((record) => record.type === 'second_factor.renamed');
    expect(records.map(({ actor, target, details }) => ({ actor, target, details }))).to.deep.equal([
      { actor: user.client.id, target: user.client.id, details: { method: 'passkey' } },
    ]);
  });

  it("answers another user's passkey and an unknown one alike, PASSKEY_NOT_FOUND, and renames neither", async () => {
    const w = world();
    const user = await registeredUser(w);
    const other = await registeredUser(w);
    const theirs = await storedPasskey(w, other.client.id);
    expect(await reasonOf(w.useCases.passkeys.rename(user.principal, { passkeyId: theirs.id, name: 'mine now' }))).to.equal('PASSKEY_NOT_FOUND');
    expect(await reasonOf(w.useCases.passkeys.rename(user.principal, { passkeyId: 'cred-unknown', name: 'mine now' }))).to.equal('PASSKEY_NOT_FOUND');
    expect((await w.secondFactors.findPasskey(theirs.id))!.name).to.equal('passkey');
  });

  it('refuses an empty, long or control-character name and a missing id, naming the field', async () => {
    const w = world();
    const user = await registeredUser(w);
    const passkey = await storedPasskey(w, user.client.id);
    for (const [input, field] of [
      [{ passkeyId: passkey.id, name: '   ' }, 'name'],
      [{ passkeyId: passkey.id, name: 'x'.repeat(65) }, 'name'],
      [{ passkeyId: passkey.id, name: 'tab\there' }, 'name'],
      [{ passkeyId: '', name: 'laptop' }, 'passkey_id'],
    ] as const) {
      const error = await w.useCases.passkeys.rename(user.principal, input).catch((failure: unknown) => failure);
      expect(error).to.include({ reason: 'INVALID_ARGUMENT', field });
    }
    expect((await w.secondFactors.findPasskey(passkey.id))!.name).to.equal('passkey');
  });
});
