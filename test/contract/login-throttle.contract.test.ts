/** The LoginThrottle port's guarantees, asserted against every adapter. */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { RedisClient } from '../../src/adapters/redis/topology';
import { MemoryLoginThrottle } from '../../src/adapters/embedded/memory-login-throttle';
import { LOGIN_FAILURES_KEY_PREFIX, RedisLoginThrottle } from '../../src/adapters/redis/login-throttle';
import { UnavailableError } from '../../src/domain/errors';
import type { LoginThrottle } from '../../src/domain/ports';
import { manualClock, redisClusterConnections, redisConnections, uniqueName, type OpenRedis } from './backends';

/** A throttle with the given window, and a way to let time pass for it. */
type OpenThrottle = (windowMs: number) => Promise<{ throttle: LoginThrottle; elapse(ms: number): Promise<void>; close(): Promise<void> }>;

const MINUTE = 60_000;
/** Short, because Redis keeps real time: the window test waits for it to end. */
const SHORT_WINDOW_MS = 400;

function loginThrottleContract(open: OpenThrottle): void {
  const key = () => `${uniqueName('login')}@example.com`;

  describe('with a window of minutes', () => {
    let throttle: LoginThrottle;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ throttle, close } = await open(15 * MINUTE));
    });
    afterEach(async () => close?.());

    it('counts a key\'s failures from 1 and reports the count of the current window', async () => {
      const email = key();
      expect(await throttle.failures(email)).to.equal(0);
      expect(await throttle.recordFailure(email)).to.equal(1);
      expect(await throttle.recordFailure(email)).to.equal(2);
      expect(await throttle.recordFailure(email)).to.equal(3);
      expect(await throttle.failures(email)).to.equal(3);
    });

    it('keeps every key\'s count apart', async () => {
      const [first, second] = [key(), key()];
      await throttle.recordFailure(first);
      await throttle.recordFailure(first);
      expect(await throttle.recordFailure(second)).to.equal(1);
      expect(await throttle.failures(first)).to.equal(2);
    });

    it('sets the count back to 0 on reset, and a reset of a key never seen changes nothing', async () => {
      const email = key();
      await throttle.recordFailure(email);
      await throttle.recordFailure(email);
      await throttle.reset(email);
      expect(await throttle.failures(email)).to.equal(0);
      expect(await throttle.recordFailure(email)).to.equal(1);
      await throttle.reset(key());
      await throttle.reset(email);
      await throttle.reset(email);
      expect(await throttle.failures(email)).to.equal(0);
    });

    it('counts 50 concurrent failures of one key as exactly 50, each caller seeing a different count', async () => {
      const email = key();
      const counts = await Promise.all(Array.from({ length: 50 }, () => throttle.recordFailure(email)));
      expect([...counts].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await throttle.failures(email)).to.equal(50);
    });
  });

  describe(`with a window of ${SHORT_WINDOW_MS} ms`, () => {
    it('forgets the failures when the window opened by the first one ends; later failures do not extend it', async () => {
      const { throttle, elapse, close } = await open(SHORT_WINDOW_MS);
      try {
        const email = key();
        await throttle.recordFailure(email);
        await elapse(SHORT_WINDOW_MS / 2);
        expect(await throttle.recordFailure(email)).to.equal(2);
        await elapse(SHORT_WINDOW_MS / 2 + 100);
        expect(await throttle.failures(email)).to.equal(0);
        expect(await throttle.recordFailure(email)).to.equal(1);
      } finally {
        await close();
      }
    });
  });
}

describe('LoginThrottle contract: in process (embedded)', () => {
  loginThrottleContract(async (windowMs) => {
    const clock = manualClock();
    return {
      throttle: new MemoryLoginThrottle({ windowMs, now: clock.now }),
      elapse: async (ms) => clock.advance(ms),
      close: async () => {},
    };
  });

  it('holds only keys whose window is open once a window has passed, so ever new emails cannot grow it without end', async () => {
    const clock = manualClock();
    const throttle = new MemoryLoginThrottle({ windowMs: MINUTE, now: clock.now });
    for (let i = 0; i < 100; i++) await throttle.recordFailure(`sprayed${i}@example.com`);
    clock.advance(MINUTE);
    await throttle.recordFailure('latest@example.com');
    expect(throttle.size()).to.equal(1);
  });
});

/** Runs the contract on one connection that `connect` opens around the calling `describe`; returns that connection. */
function contractOnRedis(connect: OpenRedis): () => RedisClient {
  let redis: RedisClient;
  before(async () => {
    redis = await connect();
  });
  after(() => redis?.disconnect());
  loginThrottleContract(async (windowMs) => ({
    throttle: new RedisLoginThrottle(redis, { windowMs }),
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: async () => {},
  }));
  return () => redis;
}

describe('LoginThrottle contract: Redis', function () {
  const connect = redisConnections();
  const connection = contractOnRedis(connect);
  let redis: RedisClient;
  before(() => {
    redis = connection();
  });

  it('names the counter by the SHA-256 of the key, so no Redis key holds the email, and always gives it an expiry', async () => {
    const email = `${uniqueName('hashed')}@example.com`;
    const throttle = new RedisLoginThrottle(redis, { windowMs: 15 * MINUTE });
    await throttle.recordFailure(email);
    await throttle.recordFailure(email);
    const counter = LOGIN_FAILURES_KEY_PREFIX + createHash('sha256').update(email).digest('hex');
    expect(await redis.get(counter)).to.equal('2');
    expect(await redis.pttl(counter)).to.be.within(1, 15 * MINUTE);
    expect(await redis.keys(`*${email.split('@')[0]}*`)).to.deep.equal([]);
  });

  it('gives a counter left without an expiry one at its next failure, so it cannot lock an email for ever', async () => {
    const email = `${uniqueName('no_expiry')}@example.com`;
    const throttle = new RedisLoginThrottle(redis, { windowMs: 15 * MINUTE });
    const counter = LOGIN_FAILURES_KEY_PREFIX + createHash('sha256').update(email).digest('hex');
    await redis.set(counter, '7');
    expect(await throttle.recordFailure(email)).to.equal(8);
    expect(await redis.pttl(counter)).to.be.within(1, 15 * MINUTE);
  });

  it('rejects every call with UnavailableError when Redis cannot be reached', async () => {
    const gone = await connect();
    gone.disconnect();
    const throttle = new RedisLoginThrottle(gone, { windowMs: MINUTE });
    const email = `${uniqueName('down')}@example.com`;
    for (const call of [() => throttle.failures(email), () => throttle.recordFailure(email), () => throttle.reset(email)]) {
      const error = await call().then(() => null, (caught: unknown) => caught);
      expect(error).to.be.instanceOf(UnavailableError);
      expect(error).to.have.property('reason', 'UNAVAILABLE');
    }
  });
});

describe('LoginThrottle contract: Redis Cluster of 3 masters', function () {
  this.timeout(30000);
  contractOnRedis(redisClusterConnections());
});
