import { expect } from 'chai';
import { defaultHashConcurrency } from '../../../src/config/limits.js';
import { HASHING, type HashAlgorithm, hashRunPlan } from '../../bench/password-hashes.js';

/**
 * `npm run bench -- --hashes-only` reads "Login ÷ raw hash" as the service's overhead, which
 * holds only when the raw hash function runs as the service runs its hashes: as many at once,
 * on a libuv thread pool of the same size.
 */
describe('The hashing bench: Login against the raw hash function', () => {
  for (const algorithm of ['bcrypt', 'argon2id'] as HashAlgorithm[]) {
    it(`runs the raw ${algorithm} baseline at the service's hashing concurrency and thread pool`, () => {
      const { serverEnv, raw } = hashRunPlan(algorithm);
      // The service's own default on this machine, as an operator runs it.
      expect(serverEnv['HASH_CONCURRENCY']).to.equal(String(defaultHashConcurrency()));
      expect(raw.settings.inFlight).to.equal(Number(serverEnv['HASH_CONCURRENCY']));
      expect(raw.env['UV_THREADPOOL_SIZE']).to.be.a('string');
      expect(raw.env['UV_THREADPOOL_SIZE']).to.equal(serverEnv['UV_THREADPOOL_SIZE']);
      expect(Number(serverEnv['UV_THREADPOOL_SIZE'])).to.be.at.least(HASHING.hashesAtOnce);
    });
  }
});
