/** The AttemptLimiter port's guarantees, asserted against every adapter. */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { memoryAttemptLimiters } from '../../src/adapters/embedded/memory-attempt-limiters.js';
import { redisAttemptLimiters } from '../../src/adapters/redis/attempt-limiters.js';
import type { RedisClient } from '../../src/adapters/redis/topology.js';
import type { AttemptLimiterFactory } from '../../src/domain/abuse/ports.js';
import { recordingLogger } from '../support/server.js';
import { redisConnections, uniqueName } from './backends.js';

function attemptLimiterContract(limiters: () => AttemptLimiterFactory): void {
  const rule = { points: 5, durationSeconds: 60 };
  const key = (label: string) => `${uniqueName(label)}@example.com`;

  it('allows exactly `points` of 40 concurrent consumes of one key, each counted once', async () => {
    const limiter = limiters()(uniqueName('race'), rule);
    const email = key('race');
    const results = await Promise.all(Array.from({ length: 40 }, () => limiter.consume(email)));
    const allowed = results.filter((result) => result.allowed);
    expect(allowed).to.have.length(rule.points);
    expect(allowed.map((result) => result.consumed).sort()).to.deep.equal([1, 2, 3, 4, 5]);
    for (const refused of results.filter((result) => !result.allowed)) expect(refused.retryAfterMs).to.be.within(1, 60_000);
  });

  it('counts keys apart, and limiters of different names apart', async () => {
    const factory = limiters();
    const name = uniqueName('apart');
    const first = factory(name, rule);
    const email = key('apart');
    for (let i = 0; i < rule.points; i++) await first.consume(email);
    expect((await first.consume(email)).allowed).to.equal(false);
    expect((await first.consume(key('other'))).allowed).to.equal(true);
    expect((await factory(`${name}-2`, rule).consume(email)).allowed).to.equal(true);
  });

  it('forgets a key on clear, and gives back one point on refund but never below zero', async () => {
    const limiter = limiters()(uniqueName('clear'), rule);
    const email = key('clear');
    for (let i = 0; i < rule.points; i++) await limiter.consume(email);
    await limiter.clear(email);
    expect((await limiter.consume(email)).consumed).to.equal(1);
    await limiter.refund(email);
    await limiter.refund(email);
    expect((await limiter.consume(email)).consumed).to.equal(1);
  });

  it('reads what a key has counted without counting, a blocked key as past its points', async () => {
    const limiter = limiters()(uniqueName('counted'), rule);
    const email = key('counted');
    expect(await limiter.counted(email)).to.equal(0);
    for (let i = 0; i < 3; i++) await limiter.consume(email);
    expect(await limiter.counted(email)).to.equal(3);
    expect(await limiter.counted(email)).to.equal(3);
    expect((await limiter.consume(email)).consumed).to.equal(4);
    await limiter.refund(email);
    expect(await limiter.counted(email)).to.equal(3);
    await limiter.block(email, 60);
    expect(await limiter.counted(email)).to.be.above(rule.points);
  });

  it('refuses a blocked key until the block ends, then starts it afresh', async () => {
    const limiter = limiters()(uniqueName('block'), rule);
    const email = key('block');
    await limiter.block(email, 1);
    const refused = await limiter.consume(email);
    expect(refused.allowed).to.equal(false);
    expect(refused.retryAfterMs).to.be.within(1, 1000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await limiter.consume(email)).to.include({ allowed: true, consumed: 1 });
  });
}

describe('AttemptLimiter contract: in process (embedded)', () => {
  attemptLimiterContract(() => memoryAttemptLimiters());
});

describe('AttemptLimiter contract: Redis', () => {
  const connect = redisConnections();
  let redis: RedisClient;
  const logs: string[] = [];
  before(async () => {
    redis = await connect();
  });
  after(() => redis?.disconnect());

  attemptLimiterContract(() => redisAttemptLimiters(redis, recordingLogger(logs)));

  it('gives back no more than was counted when refunds run at once', async () => {
    const limiter = redisAttemptLimiters(redis, recordingLogger(logs))(uniqueName('refunds'), { points: 5, durationSeconds: 60 });
    const email = key('refunds');
    for (let i = 0; i < 3; i++) await limiter.consume(email);
    await Promise.all(Array.from({ length: 10 }, () => limiter.refund(email)));
    // Ten refunds of a count of three leave it at zero, not at minus seven: nothing is banked for later guesses.
    expect((await limiter.consume(email)).consumed).to.equal(1);
  });

  it('stores no key that holds the email or the IP in clear', async () => {
    const local = uniqueName('hidden');
    const limiter = redisAttemptLimiters(redis, recordingLogger(logs))('login-email-ip', { points: 3, durationSeconds: 60 });
    await limiter.consume(`${local}@example.com\n203.0.113.9`);
    expect(await redis.keys(`*${local}*`)).to.deep.equal([]);
    expect(await redis.keys('*203.0.113.9*')).to.deep.equal([]);
    expect(await redis.keys('clientauth:limit:login-email-ip*')).to.not.be.empty;
  });

  it('names a key by the SHA-256 of what it counts, in hex, so every version of the service counts the same keys', async () => {
    const local = uniqueName('named');
    const key = `${local}@example.com\n203.0.113.10`;
    await redisAttemptLimiters(redis, recordingLogger(logs))('login-email-ip', { points: 3, durationSeconds: 60 }).consume(key);
    const digest = createHash('sha256').update(key, 'utf8').digest('hex');
    expect(await redis.get(`clientauth:limit:login-email-ip:${digest}`)).to.equal('1');
  });

  it('counts in memory while Redis cannot be reached, logging the outage once', async () => {
    const gone = await connect();
    gone.disconnect();
    const lines: string[] = [];
    const limiter = redisAttemptLimiters(gone, recordingLogger(lines))('down', { points: 2, durationSeconds: 60 });
    const email = key('down');
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await limiter.consume(email)).allowed);
    expect(results).to.deep.equal([true, true, false, false]);
    expect(await limiter.counted(email)).to.equal(4);
    const warnings = lines.filter((line) => line.includes('attempt limiter store (Redis) unavailable'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).not.to.contain(email);
  });

  function key(label: string): string {
    return `${uniqueName(label)}@example.com`;
  }
});
