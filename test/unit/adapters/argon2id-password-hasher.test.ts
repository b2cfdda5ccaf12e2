import { hash as argon2Hash, parseOptions } from '@node-rs/argon2';
import bcrypt from 'bcrypt';
import { expect } from 'chai';
import { Argon2idPasswordHasher } from '../../../src/adapters/crypto/argon2id-password-hasher.js';
import { passwordHasherFor } from '../../../src/adapters/crypto/configured-password-hasher.js';

const OWASP = { memoryKib: 19456, iterations: 2, parallelism: 1 };
const PASSWORD = 'correct horse battery';
/** argon2id with other parameters, as an earlier configuration stored it (@node-rs/argon2: 2 is Argon2id). */
const argon2idWith = (memoryCost: number, timeCost: number, parallelism: number) => argon2Hash(PASSWORD, { algorithm: 2, memoryCost, timeCost, parallelism });

describe('Argon2idPasswordHasher', () => {
  it('hashes in the PHC format with the configured parameters, a fresh salt each time', async () => {
    const hasher = new Argon2idPasswordHasher(OWASP);
    const first = await hasher.hash(PASSWORD);
    expect(first.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).to.equal(true);
    expect(await hasher.hash(PASSWORD)).to.not.equal(first);
  });

  it('answers true for the right password, false for a wrong one and for an unknown account (no hash)', async () => {
    const hasher = new Argon2idPasswordHasher(OWASP);
    const hash = await hasher.hash(PASSWORD);
    expect(await hasher.verify(PASSWORD, hash)).to.equal(true);
    expect(await hasher.verify('not it', hash)).to.equal(false);
    expect(await hasher.verify(PASSWORD, null)).to.equal(false);
  });

  it('compares an unknown account against a dummy of the configured parameters, built without hashing', () => {
    const dummy = (new Argon2idPasswordHasher(OWASP) as unknown as { dummyHash: string }).dummyHash;
    expect(dummy).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parseOptions(dummy)).to.include({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('asks for a re-hash of hashes with less memory, fewer iterations or less parallelism than configured, not of stronger ones', async () => {
    const hasher = new Argon2idPasswordHasher({ memoryKib: 19456, iterations: 3, parallelism: 2 });
    expect(hasher.needsRehash(await argon2idWith(19456, 3, 2))).to.equal(false);
    expect(hasher.needsRehash(await argon2idWith(12288, 3, 2)), 'less memory').to.equal(true);
    expect(hasher.needsRehash(await argon2idWith(19456, 2, 2)), 'fewer iterations').to.equal(true);
    expect(hasher.needsRehash(await argon2idWith(19456, 3, 1)), 'less parallelism').to.equal(true);
    expect(hasher.needsRehash(await argon2idWith(47104, 4, 2)), 'more of each').to.equal(false);
  });
});

describe('The configured password hasher', () => {
  it('verifies a stored hash by its own algorithm, whichever is configured', async () => {
    const bcryptHash = await bcrypt.hash(PASSWORD, 4);
    const argon2idHash = await argon2idWith(19456, 2, 1);
    for (const algorithm of ['bcrypt', 'argon2id'] as const) {
      const hasher = passwordHasherFor({ algorithm, bcryptCost: 4, argon2id: OWASP });
      expect(await hasher.verify(PASSWORD, bcryptHash), `a bcrypt hash under ${algorithm}`).to.equal(true);
      expect(await hasher.verify(PASSWORD, argon2idHash), `an argon2id hash under ${algorithm}`).to.equal(true);
      expect(await hasher.verify('not it', bcryptHash)).to.equal(false);
      expect(await hasher.verify('not it', argon2idHash)).to.equal(false);
      expect(await hasher.verify(PASSWORD, null)).to.equal(false);
    }
  });

  it('hashes new passwords with the configured algorithm', async () => {
    expect(await passwordHasherFor({ algorithm: 'argon2id', bcryptCost: 4, argon2id: OWASP }).hash(PASSWORD)).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwordHasherFor({ algorithm: 'bcrypt', bcryptCost: 4, argon2id: OWASP }).hash(PASSWORD)).to.match(/^\$2b\$04\$/);
  });

  it('asks for a re-hash of a hash of the other algorithm, and by the configured algorithm’s own parameters', async () => {
    const argon2id = passwordHasherFor({ algorithm: 'argon2id', bcryptCost: 5, argon2id: OWASP });
    expect(argon2id.needsRehash(await bcrypt.hash(PASSWORD, 12)), 'bcrypt under argon2id, however costly').to.equal(true);
    expect(argon2id.needsRehash(await argon2idWith(19456, 2, 1))).to.equal(false);
    expect(argon2id.needsRehash(await argon2idWith(9216, 4, 1)), 'weaker memory').to.equal(true);
    const bcryptFirst = passwordHasherFor({ algorithm: 'bcrypt', bcryptCost: 5, argon2id: OWASP });
    expect(bcryptFirst.needsRehash(await argon2idWith(19456, 2, 1)), 'argon2id under bcrypt').to.equal(true);
    expect(bcryptFirst.needsRehash(await bcrypt.hash(PASSWORD, 4)), 'a lower bcrypt cost').to.equal(true);
    expect(bcryptFirst.needsRehash(await bcrypt.hash(PASSWORD, 5))).to.equal(false);
  });

  it('compares an unknown account against a dummy of the configured algorithm', () => {
    const dummyOf = (algorithm: 'bcrypt' | 'argon2id') =>
      (passwordHasherFor({ algorithm, bcryptCost: 4, argon2id: OWASP }) as unknown as { configured: { dummyHash: string } }).configured.dummyHash;
    expect(dummyOf('argon2id')).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(dummyOf('bcrypt')).to.match(/^\$2b\$04\$/);
  });

  it('takes an argon2id hash to last in proportion to its memory and iterations before one is timed', () => {
    const owasp = new Argon2idPasswordHasher(OWASP).assumedHashMs;
    expect(owasp).to.be.above(0);
    expect(new Argon2idPasswordHasher({ memoryKib: 19456 * 2, iterations: 4, parallelism: 1 }).assumedHashMs).to.equal(owasp * 4);
    expect(passwordHasherFor({ algorithm: 'argon2id', bcryptCost: 12, argon2id: OWASP }).assumedHashMs).to.equal(owasp);
  });
});
