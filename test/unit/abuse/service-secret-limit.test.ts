import { expect } from 'chai';
import { memoryAttemptLimiters } from '../../../src/adapters/embedded/memory-attempt-limiters.js';
import { AttemptLimitRules } from '../../../src/domain/abuse/attempt-limits.js';
import { RetryLaterError } from '../../../src/domain/kernel/retry-later.js';
import { UNIT_LIMITS } from '../fakes/world.js';

const POINTS = 5;

/** How each check ended: what the secret opened, 'wrong', or the refusal's reason. */
async function outcome(check: Promise<string | null>): Promise<string> {
  try {
    return (await check) ?? 'wrong';
  } catch (error) {
    if (error instanceof RetryLaterError) return error.reason;
    throw error;
  }
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of outcomes) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

describe('The service-secret limit (unit, in-process limiter)', () => {
  const limits = () => new AttemptLimitRules({ ...UNIT_LIMITS, serviceTokenPerSource: { points: POINTS, durationSeconds: 900 } }, memoryAttemptLimiters());
  /** A check that answers after a turn of the event loop, as a store read would. */
  const slow = (answer: string | null) => () => new Promise<string | null>((resolve) => setImmediate(() => resolve(answer)));

  it('checks exactly the limit of 40 concurrent wrong secrets, then refuses the source', async () => {
    const rules = limits();
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => outcome(rules.checkServiceSecret('203.0.113.7', slow(null)))));
    expect(tally(outcomes)).to.deep.equal({ wrong: POINTS, TOO_MANY_ATTEMPTS: 40 - POINTS });
    expect(await outcome(rules.checkServiceSecret('203.0.113.7', slow('token')))).to.equal('TOO_MANY_ATTEMPTS');
    expect(await outcome(rules.checkServiceSecret('203.0.113.8', slow('token')))).to.equal('token');
  });

  it('counts nothing for right secrets, however many, and lets the limit of wrong ones through after them', async () => {
    const rules = limits();
    for (let round = 0; round < 10; round++) {
      const rights = await Promise.all(Array.from({ length: POINTS }, () => outcome(rules.checkServiceSecret('203.0.113.9', slow('token')))));
      expect(tally(rights)).to.deep.equal({ token: POINTS });
    }
    const wrongs = [];
    for (let i = 0; i < POINTS + 1; i++) wrongs.push(await outcome(rules.checkServiceSecret('203.0.113.9', slow(null))));
    expect(tally(wrongs)).to.deep.equal({ wrong: POINTS, TOO_MANY_ATTEMPTS: 1 });
  });

  it('counts nothing for a check that fails, and forgets a source once its checks end', async () => {
    const rules = limits();
    const failing = () => Promise.reject(new Error('the store is away'));
    for (let i = 0; i < POINTS * 2; i++) {
      const failed = await rules.checkServiceSecret('203.0.113.10', failing).then(
        () => 'answered',
        (error: Error) => error.message,
      );
      expect(failed).to.equal('the store is away');
    }
    const outcomes = await Promise.all(Array.from({ length: POINTS }, () => outcome(rules.checkServiceSecret('203.0.113.10', slow(null)))));
    expect(tally(outcomes)).to.deep.equal({ wrong: POINTS });
  });
});
