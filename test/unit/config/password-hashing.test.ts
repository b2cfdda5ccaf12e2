import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

describe('Configuration of password hashing', () => {
  it('hashes with bcrypt by default, with argon2id parameters at OWASP minimums ready for PASSWORD_HASH=argon2id', () => {
    const config = loadConfig({});
    expect(config.passwordHashing).to.deep.equal({ algorithm: 'bcrypt', argon2id: { memoryKib: 19456, iterations: 2, parallelism: 1 } });
    // Cost 10 is what the original service stored (docs/adr/0014-argon2id-opt-in.md).
    expect(config.bcryptCost).to.equal(10);
  });

  it('reads BCRYPT_COST down to its floor of 4 and refuses below it, naming the variable', () => {
    expect(loadConfig({ BCRYPT_COST: '12' }).bcryptCost).to.equal(12);
    expect(loadConfig({ BCRYPT_COST: '4' }).bcryptCost).to.equal(4);
    expect(() => loadConfig({ BCRYPT_COST: '3' })).to.throw(ConfigError, /BCRYPT_COST must be a whole number from 4 to 15; got "3"/);
  });

  it('reads PASSWORD_HASH=argon2id and its parameters', () => {
    const config = loadConfig({ PASSWORD_HASH: 'argon2id', ARGON2_MEMORY_KIB: '65536', ARGON2_ITERATIONS: '3', ARGON2_PARALLELISM: '4' });
    expect(config.passwordHashing).to.deep.equal({ algorithm: 'argon2id', argon2id: { memoryKib: 65536, iterations: 3, parallelism: 4 } });
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['an unknown PASSWORD_HASH', { PASSWORD_HASH: 'scrypt' }, /PASSWORD_HASH must be one of bcrypt, argon2id; got "scrypt"/],
    ['argon2 (the variant is not named)', { PASSWORD_HASH: 'argon2' }, /PASSWORD_HASH must be one of/],
    ['an ARGON2_MEMORY_KIB below 19456', { PASSWORD_HASH: 'argon2id', ARGON2_MEMORY_KIB: '19455' }, /ARGON2_MEMORY_KIB must be a whole number from 19456 to/],
    ['an ARGON2_MEMORY_KIB in MiB by mistake', { PASSWORD_HASH: 'argon2id', ARGON2_MEMORY_KIB: '64' }, /ARGON2_MEMORY_KIB/],
    ['an ARGON2_ITERATIONS of 1', { PASSWORD_HASH: 'argon2id', ARGON2_ITERATIONS: '1' }, /ARGON2_ITERATIONS must be a whole number from 2 to/],
    ['an ARGON2_PARALLELISM of 0', { PASSWORD_HASH: 'argon2id', ARGON2_PARALLELISM: '0' }, /ARGON2_PARALLELISM must be a whole number from 1 to/],
    ['a non-numeric ARGON2_MEMORY_KIB', { ARGON2_MEMORY_KIB: '19 MiB' }, /ARGON2_MEMORY_KIB must be a whole number/],
    ['a bad ARGON2_ITERATIONS while bcrypt is chosen', { ARGON2_ITERATIONS: '0' }, /ARGON2_ITERATIONS/],
  ];
  for (const [what, env, message] of bad) {
    it(`stops start-up on ${what}, naming the variable`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
    });
  }
});
