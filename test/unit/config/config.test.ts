import { availableParallelism } from 'node:os';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { defaultHashConcurrency } from '../../../src/config/limits.js';

const SHARED = { MONGODB_URI: 'mongodb://127.0.0.1:27017', REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET_KEY: 'k'.repeat(32) };

describe('Configuration', () => {
  it('bounds how long a MongoDB call waits on a silent connection, 30 s unless MONGODB_SOCKET_TIMEOUT_MS says otherwise, and names the variable when it is bad', () => {
    const shared = (env: Record<string, string>) => {
      const { stores } = loadConfig({ ...SHARED, ...env });
      return stores.kind === 'shared' ? stores.mongo.socketTimeoutMs : null;
    };
    expect(shared({})).to.equal(30_000);
    expect(shared({ MONGODB_SOCKET_TIMEOUT_MS: '5000' })).to.equal(5000);
    for (const bad of ['0', 'never', '100']) {
      expect(() => loadConfig({ ...SHARED, MONGODB_SOCKET_TIMEOUT_MS: bad })).to.throw(ConfigError, /MONGODB_SOCKET_TIMEOUT_MS/);
    }
  });

  it("ends the strength estimator's idle thread after 300 s unless PASSWORD_STRENGTH_IDLE_SEC says otherwise (0: never), and names the variable when it is bad", () => {
    expect(loadConfig(SHARED).strengthThread.idleMs).to.equal(300_000);
    expect(loadConfig({ ...SHARED, PASSWORD_STRENGTH_IDLE_SEC: '30' }).strengthThread.idleMs).to.equal(30_000);
    expect(loadConfig({ ...SHARED, PASSWORD_STRENGTH_IDLE_SEC: '0' }).strengthThread.idleMs).to.equal(0);
    for (const bad of ['-1', 'never', '86401', '1.5']) {
      expect(() => loadConfig({ ...SHARED, PASSWORD_STRENGTH_IDLE_SEC: bad })).to.throw(ConfigError, /PASSWORD_STRENGTH_IDLE_SEC/);
    }
  });

  it("reads the original service's variable names", () => {
    const config = loadConfig({
      JWT_SECRET_KEY: 's'.repeat(40),
      JWT_TOKEN_EXP_MIN: '30',
      DB_HOST: 'mongo',
      DB_PORT: '27018',
      DB_USER: 'app',
      DB_PASSWORD: 'p@ss word',
      DB_NAME: 'clients',
      REDIS_HOST: 'redis',
      REDIS_PORT: '6380',
      REDIS_PASSWORD: 'r3dis',
    });
    expect(config.stores).to.deep.equal({
      kind: 'shared',
      mongo: { uri: 'mongodb://app:p%40ss%20word@mongo:27018/?authSource=admin', dbName: 'clients', socketTimeoutMs: 30_000 },
      redis: { kind: 'standalone', url: 'redis://:r3dis@redis:6380', replicaAcks: 0, replicaAckTimeoutMs: 1000 },
    });
    expect(config.signing).to.deep.equal({ algorithm: 'HS256', chosen: false, secret: 's'.repeat(40) });
    expect(config.jwt.accessTokenTtlSeconds).to.equal(1800);
  });

  it('has secure, documented defaults', () => {
    const config = loadConfig(SHARED);
    expect(config.grpc.port).to.equal(50051);
    expect(config.bridge.port).to.equal(8000);
    expect(config.jwt.accessTokenTtlSeconds).to.equal(900);
    expect(config.bcryptCost).to.equal(10);
    // `user-delete` is the channel the original api-gateway listens on.
    expect(config.deletionChannels).to.deep.equal(['client-data-deletion-request', 'user-delete']);
    expect(config.accessLogSample).to.equal(0);
    expect(config.revocationKeyPrefix).to.equal('');
    expect(config.bridge.allowedOrigins).to.deep.equal([]);
    expect(Object.isFrozen(config.jwt)).to.equal(true);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['a non-numeric JWT_TOKEN_EXP_MIN', { JWT_TOKEN_EXP_MIN: 'soon' }, /JWT_TOKEN_EXP_MIN must be a whole number/],
    ['a zero JWT_TOKEN_EXP_MIN', { JWT_TOKEN_EXP_MIN: '0' }, /JWT_TOKEN_EXP_MIN/],
    ['an out-of-range GRPC_PORT', { GRPC_PORT: '70000' }, /GRPC_PORT/],
    ['a BCRYPT_COST below 4', { BCRYPT_COST: '3' }, /BCRYPT_COST/],
    ['a malformed MONGODB_URI', { MONGODB_URI: 'http://db' }, /MONGODB_URI must start with mongodb:\/\//],
    ['a malformed REDIS_URL', { REDIS_URL: 'tcp://r' }, /REDIS_URL/],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    ['a CORS origin with a path', { CORS_ORIGINS: 'https://app.example.com/path' }, /CORS_ORIGINS/],
    ['ADMIN_EMAIL without ADMIN_PASSWORD', { ADMIN_EMAIL: 'a@b.co' }, /ADMIN_EMAIL and ADMIN_PASSWORD/],
    ['a short secret in production', { NODE_ENV: 'production', JWT_SECRET_KEY: 'short' }, /JWT_SECRET_KEY must be at least 32 bytes/],
    ['a LOGIN_MAX_FAILURES of 0', { LOGIN_MAX_FAILURES: '0' }, /LOGIN_MAX_FAILURES must be a whole number from 1 to 1000; got "0"/],
    ['a LOGIN_MAX_FAILURES over 1000', { LOGIN_MAX_FAILURES: '1001' }, /LOGIN_MAX_FAILURES must be a whole number from 1 to 1000/],
    ['a non-numeric LOGIN_MAX_FAILURES', { LOGIN_MAX_FAILURES: 'ten' }, /LOGIN_MAX_FAILURES must be a whole number/],
    ['a LOGIN_FAILURE_WINDOW_MIN of 0', { LOGIN_FAILURE_WINDOW_MIN: '0' }, /LOGIN_FAILURE_WINDOW_MIN must be a whole number from 1 to 1440; got "0"/],
    ['a LOGIN_FAILURE_WINDOW_MIN over a day', { LOGIN_FAILURE_WINDOW_MIN: '1441' }, /LOGIN_FAILURE_WINDOW_MIN must be a whole number from 1 to 1440/],
    ['a negative LOGIN_FAILURE_WINDOW_MIN', { LOGIN_FAILURE_WINDOW_MIN: '-5' }, /LOGIN_FAILURE_WINDOW_MIN must be a whole number/],
  ];
  for (const [what, env, message] of bad) {
    it(`stops on ${what}, naming the variable`, () => {
      expect(() => loadConfig({ ...SHARED, ...env })).to.throw(message);
    });
  }

  it('limits an email to 10 guesses per source in 15 minutes by default, and reads LOGIN_MAX_FAILURES and LOGIN_FAILURE_WINDOW_MIN', () => {
    expect(loadConfig(SHARED).abuse.limits.loginPerEmailAndSource).to.deep.equal({ points: 10, durationSeconds: 15 * 60 });
    expect(loadConfig({ ...SHARED, LOGIN_MAX_FAILURES: '5', LOGIN_FAILURE_WINDOW_MIN: '60' }).abuse.limits.loginPerEmailAndSource).to.deep.equal({
      points: 5,
      durationSeconds: 3600,
    });
  });

  it('has defaults for every attempt limit, the hashing queue and the trusted proxies', () => {
    const { abuse, bridge } = loadConfig(SHARED);
    expect(abuse.limits).to.deep.include({
      loginPerEmail: { points: 30, durationSeconds: 900 },
      loginEmailDelay: { firstSeconds: 60, maxSeconds: 900 },
      loginPerSource: { points: 100, durationSeconds: 900 },
      registrationPerSource: { points: 50, durationSeconds: 3600 },
      serviceTokenPerSource: { points: 100, durationSeconds: 900 },
      estimatePerSource: { points: 600, durationSeconds: 3600 },
    });
    expect(abuse.hashing).to.deep.equal({ concurrency: defaultHashConcurrency(), maxQueue: 100, maxWaitMs: 3000 });
    expect(defaultHashConcurrency()).to.equal(Math.max(1, Math.min(4, availableParallelism())));
    // Nobody by address: only the bridge of the same process names clients (it proves itself otherwise).
    expect(abuse.trustedProxies).to.deep.equal([]);
    expect(bridge.proxyHops).to.equal(1);
  });

  it('bounds streams by default (100 a connection; 1000 WatchRevocations and 100 a client; 1000 health Watches and 100 an IP), and reads each limit', () => {
    expect(loadConfig(SHARED).streams).to.deep.equal({
      perConnection: 100,
      revocationWatches: { perProcess: 1000, perCaller: 100 },
      healthWatches: { perProcess: 1000, perCaller: 100 },
    });
    const env = {
      GRPC_MAX_STREAMS_PER_CONNECTION: '20',
      WATCH_STREAMS_MAX: '50',
      WATCH_STREAMS_PER_CLIENT: '5',
      HEALTH_WATCH_STREAMS_MAX: '40',
      HEALTH_WATCH_STREAMS_PER_IP: '4',
    };
    expect(loadConfig({ ...SHARED, ...env }).streams).to.deep.equal({
      perConnection: 20,
      revocationWatches: { perProcess: 50, perCaller: 5 },
      healthWatches: { perProcess: 40, perCaller: 4 },
    });
    for (const name of Object.keys(env)) {
      expect(() => loadConfig({ ...SHARED, [name]: '0' })).to.throw(new RegExp(`${name} must be a whole number from 1 to`));
    }
  });

  it('stops on a TRUSTED_PROXY_CIDRS entry that is not an address or CIDR, naming it', () => {
    expect(() => loadConfig({ ...SHARED, TRUSTED_PROXY_CIDRS: '10.0.0.0/8, 10.1.2.3/40' })).to.throw(/TRUSTED_PROXY_CIDRS: "10.1.2.3\/40"/);
    expect(loadConfig({ ...SHARED, TRUSTED_PROXY_CIDRS: '10.0.0.0/8,fd00::/8' }).abuse.trustedProxies).to.deep.equal(['10.0.0.0/8', 'fd00::/8']);
  });

  it('requires KEY_ENCRYPTION_KEY (ES256) or JWT_SECRET_KEY (HS256) with MongoDB and Redis, so every instance signs alike', () => {
    const stores = { MONGODB_URI: SHARED.MONGODB_URI, REDIS_URL: SHARED.REDIS_URL };
    expect(() => loadConfig(stores)).to.throw(/KEY_ENCRYPTION_KEY \(32\+ bytes\) is required with MongoDB and Redis and JWT_ALGORITHM=ES256/);
    expect(() => loadConfig({ ...stores, JWT_ALGORITHM: 'HS256' })).to.throw(/JWT_SECRET_KEY is required/);
    expect(() => loadConfig({ ...stores, KEY_ENCRYPTION_KEY: 'k'.repeat(31) })).to.throw(/KEY_ENCRYPTION_KEY must be at least 32 bytes/);
  });

  it('signs ES256 by default, HS256 when only JWT_SECRET_KEY is set, and as JWT_ALGORITHM says otherwise', () => {
    const stores = { MONGODB_URI: SHARED.MONGODB_URI, REDIS_URL: SHARED.REDIS_URL, KEY_ENCRYPTION_KEY: 'e'.repeat(32) };
    expect(loadConfig(stores).signing).to.include({ algorithm: 'ES256', chosen: false });
    expect(loadConfig(SHARED).signing).to.include({ algorithm: 'HS256', chosen: false });
    expect(loadConfig({ ...SHARED, ...stores, JWT_ALGORITHM: 'EdDSA' }).signing).to.include({ algorithm: 'EdDSA', chosen: true });
    expect(loadConfig({ ...stores, JWT_PRIVATE_KEY_FILE: '/etc/client-auth/key.pem' }).signing).to.deep.include({
      keys: { kind: 'file', path: '/etc/client-auth/key.pem' },
    });
    expect(() => loadConfig({ ...SHARED, JWT_ALGORITHM: 'HS256', JWT_PRIVATE_KEY_FILE: '/k.pem' })).to.throw(
      /JWT_PRIVATE_KEY_FILE .* cannot be used with JWT_ALGORITHM=HS256/,
    );
    expect(() => loadConfig({ ...SHARED, JWT_ALGORITHM: 'RS256' })).to.throw(/JWT_ALGORITHM must be one of ES256, EdDSA, HS256; got "RS256"/);
  });

  it('reads the rotation period, the publish-ahead time and the clock skew, with their defaults', () => {
    const stores = { MONGODB_URI: SHARED.MONGODB_URI, REDIS_URL: SHARED.REDIS_URL, KEY_ENCRYPTION_KEY: 'e'.repeat(32) };
    expect(loadConfig(stores).signing).to.include({ rotationSeconds: 30 * 86400, publishAheadSeconds: 3600 });
    expect(loadConfig(stores).jwt.clockSkewSeconds).to.equal(30);
    const set = loadConfig({ ...stores, SIGNING_KEY_ROTATION_DAYS: '7', SIGNING_KEY_PUBLISH_AHEAD: '15m', JWT_CLOCK_SKEW_SEC: '5' });
    expect(set.signing).to.include({ rotationSeconds: 7 * 86400, publishAheadSeconds: 900 });
    expect(set.jwt.clockSkewSeconds).to.equal(5);
    expect(() => loadConfig({ ...stores, SIGNING_KEY_PUBLISH_AHEAD: 'soon' })).to.throw(/SIGNING_KEY_PUBLISH_AHEAD must be a duration like 90s, 15m or 1h/);
  });

  it('refuses MongoDB without Redis and says why', () => {
    expect(() => loadConfig({ MONGODB_URI: SHARED.MONGODB_URI, JWT_SECRET_KEY: SHARED.JWT_SECRET_KEY })).to.throw(
      /Redis .* not configured.*in-process revocation list cannot serve several instances/,
    );
  });

  describe('start-up rules, each stopping start-up with a message naming the variable', () => {
    const rules: Array<[string, Record<string, string | undefined>, RegExp]> = [
      ['MongoDB without Redis', { REDIS_URL: undefined }, /Redis \(REDIS_URL, REDIS_HOST, REDIS_SENTINELS or REDIS_CLUSTER_NODES\) is not configured/],
      ['Redis without MongoDB', { MONGODB_URI: undefined }, /MongoDB \(MONGODB_URI or DB_HOST\) is not configured/],
      [
        'the shared set-up without JWT_SECRET_KEY or KEY_ENCRYPTION_KEY',
        { JWT_SECRET_KEY: undefined },
        /KEY_ENCRYPTION_KEY \(32\+ bytes\) is required with MongoDB and Redis/,
      ],
      [
        'the shared set-up on HS256 without JWT_SECRET_KEY',
        { JWT_SECRET_KEY: undefined, JWT_ALGORITHM: 'HS256' },
        /JWT_SECRET_KEY is required with MongoDB and Redis/,
      ],
      [
        'production without JWT_SECRET_KEY or KEY_ENCRYPTION_KEY',
        { JWT_SECRET_KEY: undefined, NODE_ENV: 'production' },
        /KEY_ENCRYPTION_KEY \(32\+ bytes\) is required when NODE_ENV=production/,
      ],
      ['a KEY_ENCRYPTION_KEY of 31 bytes', { KEY_ENCRYPTION_KEY: 'k'.repeat(31) }, /KEY_ENCRYPTION_KEY must be at least 32 bytes/],
      ['a JWT_SECRET_KEY of 31 bytes in production', { JWT_SECRET_KEY: 'k'.repeat(31), NODE_ENV: 'production' }, /JWT_SECRET_KEY must be at least 32 bytes/],
      ['an ACCESS_COOKIE_NAME with a space', { ACCESS_COOKIE_NAME: 'my token' }, /ACCESS_COOKIE_NAME must be a cookie name/],
      ['a REFRESH_COOKIE_NAME with a semicolon', { REFRESH_COOKIE_NAME: 'r;t' }, /REFRESH_COOKIE_NAME must be a cookie name/],
      [
        'an ACCESS_COOKIE_NAME that carries the __Host- prefix itself',
        { ACCESS_COOKIE_NAME: '__Host-token' },
        /ACCESS_COOKIE_NAME .* without a __Host-\/__Secure- prefix/,
      ],
      [
        'a REFRESH_COOKIE_NAME that carries the __Secure- prefix itself',
        { REFRESH_COOKIE_NAME: '__secure-r' },
        /REFRESH_COOKIE_NAME .* without a __Host-\/__Secure- prefix/,
      ],
      ['an ACCESS_COOKIE_NAME over 64 characters', { ACCESS_COOKIE_NAME: 't'.repeat(65) }, /ACCESS_COOKIE_NAME must be a cookie name of 1 to 64/],
      ['one name for both cookies', { ACCESS_COOKIE_NAME: 'sid', REFRESH_COOKIE_NAME: 'sid' }, /ACCESS_COOKIE_NAME and REFRESH_COOKIE_NAME must differ/],
      ['COOKIE_HOST_PREFIX without COOKIE_SECURE', { COOKIE_HOST_PREFIX: 'true', COOKIE_SECURE: 'false' }, /COOKIE_HOST_PREFIX=true needs COOKIE_SECURE=true/],
      ['a COOKIE_SECURE that is not a boolean', { COOKIE_SECURE: 'maybe' }, /COOKIE_SECURE must be true or false/],
    ];
    for (const [what, env, message] of rules) {
      it(`refuses ${what}`, () => {
        expect(() => loadConfig({ ...SHARED, ...env })).to.throw(ConfigError, message);
      });
    }

    it('selects the embedded set-up with neither store, keeping the key-encryption key unset outside production', () => {
      const config = loadConfig({ DATA_DIR: '/var/lib/client-auth' });
      expect(config.stores).to.deep.equal({ kind: 'embedded', dataDir: '/var/lib/client-auth', synchronous: 'normal' });
      expect(config.signing).to.deep.include({ algorithm: 'ES256', keys: { kind: 'stored', encryptionKey: null } });
    });

    it('takes SQLITE_SYNCHRONOUS=full, and refuses a value it does not know, naming the ones it does', () => {
      expect(loadConfig({ SQLITE_SYNCHRONOUS: 'full' }).stores).to.include({ kind: 'embedded', synchronous: 'full' });
      expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' })).to.throw(ConfigError, /SQLITE_SYNCHRONOUS.*normal.*full/);
    });

    it('selects the shared set-up with both stores and the secret every instance signs with', () => {
      const config = loadConfig(SHARED);
      expect(config.stores.kind).to.equal('shared');
      expect(config.signing).to.include({ algorithm: 'HS256', secret: SHARED.JWT_SECRET_KEY });
    });

    it('takes COOKIE_HOST_PREFIX with COOKIE_SECURE', () => {
      const bridge = loadConfig({ ...SHARED, COOKIE_HOST_PREFIX: 'true', COOKIE_SECURE: 'true' }).bridge;
      expect(bridge.cookieHostPrefix).to.equal(true);
      expect(bridge.cookieSecure).to.equal(true);
    });
  });
});
