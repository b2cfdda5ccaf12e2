/** Which set-up a configuration selects, and what it refuses. */
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

const LONG_SECRET = 's'.repeat(32);
const MONGO = { MONGODB_URI: 'mongodb://127.0.0.1:27017' };
const REDIS = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('Choosing between the embedded and the shared set-up', () => {
  it('runs embedded with nothing configured: no stores, ES256 with no key-encryption key yet, DATA_DIR ./data', () => {
    const config = loadConfig({});
    expect(config.stores).to.deep.equal({ kind: 'embedded', dataDir: './data', synchronous: 'normal' });
    expect(config.signing).to.deep.include({ algorithm: 'ES256', keys: { kind: 'stored', encryptionKey: null } });
  });

  const halfShared: Array<[string, Record<string, string>, string]> = [
    ['MONGODB_URI without Redis', MONGO, 'Redis (REDIS_URL, REDIS_HOST, REDIS_SENTINELS or REDIS_CLUSTER_NODES) is not configured'],
    ['DB_HOST without Redis', { DB_HOST: 'mongo' }, 'Redis (REDIS_URL, REDIS_HOST, REDIS_SENTINELS or REDIS_CLUSTER_NODES) is not configured'],
    ['REDIS_URL without MongoDB', REDIS, 'MongoDB (MONGODB_URI or DB_HOST) is not configured'],
    ['REDIS_HOST without MongoDB', { REDIS_HOST: 'redis' }, 'MongoDB (MONGODB_URI or DB_HOST) is not configured'],
  ];
  for (const [what, env, missing] of halfShared) {
    it(`refuses ${what}, saying an in-process revocation list cannot serve several instances`, () => {
      const refuse = () => loadConfig({ ...env, JWT_SECRET_KEY: LONG_SECRET });
      expect(refuse).to.throw(ConfigError, missing);
      expect(refuse).to.throw(ConfigError, 'an in-process revocation list cannot serve several instances');
    });
  }

  it('stops a production start without KEY_ENCRYPTION_KEY (ES256, the default), even embedded', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(
      ConfigError,
      'KEY_ENCRYPTION_KEY (32+ bytes) is required when NODE_ENV=production and JWT_ALGORITHM=ES256',
    );
    const mail = { SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'Example <no-reply@example.com>' };
    expect(loadConfig({ NODE_ENV: 'production', KEY_ENCRYPTION_KEY: LONG_SECRET, ...mail }).signing.algorithm).to.equal('ES256');
  });

  it('stops a production start with JWT_ALGORITHM=HS256 and no JWT_SECRET_KEY, even embedded', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'HS256' })).to.throw(
      ConfigError,
      'JWT_SECRET_KEY is required when NODE_ENV=production and JWT_ALGORITHM=HS256',
    );
  });

  it('stops a production start on a JWT_SECRET_KEY shorter than 32 bytes, and takes one of 32', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: 's'.repeat(31) })).to.throw(
      ConfigError,
      'JWT_SECRET_KEY must be at least 32 bytes when NODE_ENV=production',
    );
    const mail = { SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'Example <no-reply@example.com>' };
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: LONG_SECRET, ...mail }).signing).to.include({ algorithm: 'HS256', secret: LONG_SECRET });
  });
});
