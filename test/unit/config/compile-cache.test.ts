import { expect } from 'chai';
import { compileCacheConfig } from '../../../src/config/compile-cache-dir.js';
import { loadConfig } from '../../../src/config/index.js';

const EMBEDDED = { JWT_SECRET_KEY: 'a-secret-that-is-long-enough-for-the-tests' };

describe('COMPILE_CACHE_DIR', () => {
  it('is off by default', () => {
    expect(loadConfig(EMBEDDED).compileCacheDir).to.equal(null);
    expect(compileCacheConfig(EMBEDDED)).to.equal(null);
  });

  it('reads an absolute folder', () => {
    expect(loadConfig({ ...EMBEDDED, COMPILE_CACHE_DIR: '/app/compile-cache' }).compileCacheDir).to.equal('/app/compile-cache');
    expect(compileCacheConfig({ COMPILE_CACHE_DIR: '/app/compile-cache' })).to.equal('/app/compile-cache');
  });

  it('stops the start on a relative folder, naming the variable, and the entry point leaves the cache off', () => {
    expect(() => loadConfig({ ...EMBEDDED, COMPILE_CACHE_DIR: 'cache' })).to.throw(/COMPILE_CACHE_DIR must be an absolute path/);
    expect(compileCacheConfig({ COMPILE_CACHE_DIR: 'cache' })).to.equal(null);
  });
});
