import { expect } from 'chai';
import { hashSecret, newSecret, sameHash } from '../../../src/domain/kernel/secrets.js';

describe('Stored secrets', () => {
  it('are the SHA-256 of their UTF-8, in hex, as every stored client secret and refresh token already is', () => {
    // FIPS 180-2's test vector, and a non-ASCII secret read as UTF-8.
    expect(hashSecret('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashSecret('\u00e9')).to.equal('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });

  it('match only their own hash', () => {
    const secret = newSecret();
    expect(sameHash(hashSecret(secret), hashSecret(secret))).to.equal(true);
    expect(sameHash(hashSecret(secret), hashSecret(newSecret()))).to.equal(false);
    expect(sameHash(hashSecret(secret), 'not hex')).to.equal(false);
  });
});
