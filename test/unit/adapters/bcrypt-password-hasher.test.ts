import bcrypt from 'bcrypt';
import { expect } from 'chai';
import { BcryptPasswordHasher } from '../../../src/adapters/crypto/bcrypt-password-hasher.js';

/** Median duration in ns of `runs` sequential calls. */
async function medianNs(runs: number, call: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - start));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

describe('BcryptPasswordHasher', () => {
  it('answers false for an unknown account (no hash) and for a wrong password, true for the right one', async () => {
    const hasher = new BcryptPasswordHasher(4);
    const hash = await hasher.hash('correct horse battery');
    expect(await hasher.verify('correct horse battery', hash)).to.equal(true);
    expect(await hasher.verify('wrong', hash)).to.equal(false);
    expect(await hasher.verify('correct horse battery', null)).to.equal(false);
    expect(await hasher.verify('dummy password that matches nothing', null)).to.equal(false);
  });

  it('spends a full comparison of the configured cost on an unknown account, as on a wrong password', async () => {
    // Cost 10 is tens of milliseconds per comparison, so scheduling noise is small beside it;
    // with no dummy comparison the unknown account would answer in microseconds.
    const hasher = new BcryptPasswordHasher(10);
    const hash = await hasher.hash('correct horse battery');
    const wrong = await medianNs(5, () => hasher.verify('not it', hash));
    const unknown = await medianNs(5, () => hasher.verify('not it', null));
    expect(unknown / wrong).to.be.within(0.5, 2);
  });

  it('builds without hashing, so a start is not held up, and its dummy is a well-formed hash of the configured cost', async () => {
    // Cost 13 is about half a second of hashing; a hasher that hashed its dummy would take that long to build.
    const started = process.hrtime.bigint();
    const hasher = new BcryptPasswordHasher(13);
    const constructedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(constructedMs).to.be.below(50);
    const dummy = (hasher as unknown as { dummyHash: string }).dummyHash;
    expect(dummy).to.match(/^\$2b\$13\$[./A-Za-z0-9]{53}$/);
    expect(bcrypt.getRounds(dummy)).to.equal(13);
  });

  it('asks for a re-hash only of hashes made with a lower cost', async () => {
    const hasher = new BcryptPasswordHasher(5);
    expect(hasher.needsRehash(await bcrypt.hash('x', 4))).to.equal(true);
    expect(hasher.needsRehash(await bcrypt.hash('x', 5))).to.equal(false);
  });
});
