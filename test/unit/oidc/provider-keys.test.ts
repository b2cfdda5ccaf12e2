import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { ProviderKeystores } from '../../../bridge/oidc/provider-keys.js';
import type { PublicJwk, SignerKey } from '../../../src/domain/signing-keys/ports.js';

/** A published ES256 key and its signer, as a key set holds them. */
function es256Key(kid: string): { jwk: PublicJwk; signer: SignerKey } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  return {
    jwk: { kty: 'EC', crv: 'P-256', x: x!, y: y!, kid, alg: 'ES256', use: 'sig' },
    signer: { kid, algorithm: 'ES256', sign: () => Buffer.alloc(64) },
  };
}

/** A key set whose signing key and published keys a test changes, as a rotation does. */
function keySet(signing: { signer: SignerKey }, published: Array<{ jwk: PublicJwk }>) {
  const state = { signing, published };
  return {
    state,
    keys: { signer: () => state.signing.signer, publicKeys: () => state.published.map((key) => key.jwk) },
  };
}

describe("The OpenID Provider's keystore", () => {
  it('is built once for a key set and handed out again while the set is unchanged', () => {
    const first = es256Key('kid-1');
    const { keys } = keySet(first, [first]);
    const keystores = new ProviderKeystores(keys);
    const built = keystores.current();
    expect(built).to.not.equal(null);
    expect(built!.keys.map((key) => key.kid)).to.deep.equal(['kid-1']);
    expect(keystores.current()).to.equal(built);
    expect(keystores.current()).to.equal(built);
  });

  it('is built anew when a rotation publishes a key, and again when the new key starts signing', () => {
    const first = es256Key('kid-1');
    const second = es256Key('kid-2');
    const { keys, state } = keySet(first, [first]);
    const keystores = new ProviderKeystores(keys);
    const before = keystores.current();

    state.published = [first, second];
    const published = keystores.current();
    expect(published).to.not.equal(before);
    expect(published!.keys.map((key) => key.kid)).to.deep.equal(['kid-1', 'kid-2']);

    state.signing = second;
    const signing = keystores.current();
    expect(signing).to.not.equal(published);
    // The signing key first: the provider signs with the first key of the algorithm.
    expect(signing!.keys.map((key) => key.kid)).to.deep.equal(['kid-2', 'kid-1']);
    expect(keystores.current()).to.equal(signing);
  });

  it('is none while tokens are signed HS256 (nothing is published to verify an ID token with)', () => {
    const keystores = new ProviderKeystores({ signer: () => ({ kid: 'hs', algorithm: 'HS256', sign: () => Buffer.alloc(32) }), publicKeys: () => [] });
    expect(keystores.current()).to.equal(null);
  });
});
