import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { HashingQueue } from '../../../src/domain/abuse/hashing-queue.js';
import { RetryLaterError } from '../../../src/domain/kernel/retry-later.js';
import { freshEmail, loginFrom, type Outcome, outcomeOf, PASSWORD, registerUser, sourceIp, WRONG } from '../../support/attacks.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startBridgeFor, type TestBridge, WIRINGS } from '../bridge/bridge-fixture.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job that runs until the test releases it. */
function held(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe('The password-hashing queue', () => {
  it('runs `concurrency` jobs, queues up to `maxQueue`, and refuses the rest at once with SERVER_BUSY', async () => {
    const queue = new HashingQueue({ concurrency: 2, maxQueue: 2, maxWaitMs: 1000 }, 30);
    let running = 0;
    let most = 0;
    const job = async () => {
      running++;
      most = Math.max(most, running);
      await sleep(30);
      running--;
      return 'done';
    };
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => queue.run(job)));
    expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(4);
    const refusals = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as RetryLaterError] : []));
    expect(refusals.map((error) => error.reason)).to.deep.equal(['SERVER_BUSY', 'SERVER_BUSY']);
    expect(refusals[0]!.retryAfterSeconds).to.be.at.least(1);
    expect(most).to.equal(2);
    expect(Date.now() - started).to.be.below(500);
  });

  it('refuses at once a caller whose predicted wait is longer than maxWaitMs', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxQueue: 100, maxWaitMs: 100 }, 60);
    await queue.run(() => sleep(60));
    const running = queue.run(() => sleep(60));
    const waiting = queue.run(() => sleep(60));
    const started = Date.now();
    const refused = await queue.run(() => sleep(60)).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(RetryLaterError).with.property('reason', 'SERVER_BUSY');
    expect(Date.now() - started).to.be.below(20);
    await Promise.all([running, waiting]);
  });

  it('never refuses a reserved place later: the refusal comes at reserve() or not at all', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxQueue: 1, maxWaitMs: 1000 }, 50);
    const place = queue.reserve();
    // While the holder of the place reads the database, others fill the slot and the queue.
    const first = queue.run(() => sleep(50).then(() => 'first'));
    const shed = await queue.run(async () => 'shed').catch((error: unknown) => error);
    expect(shed).to.be.instanceOf(RetryLaterError).with.property('reason', 'SERVER_BUSY');
    const started = Date.now();
    expect(() => queue.reserve()).to.throw(RetryLaterError, /busy/);
    expect(Date.now() - started).to.be.below(20);
    expect(await place.run(async () => 'reserved')).to.equal('reserved');
    expect(await first).to.equal('first');
    // Used, the place is free for the next caller.
    queue.reserve().release();
    expect(await queue.run(async () => 'after')).to.equal('after');
  });

  it('predicts the wait from the assumed cost of a hash before any hash has been timed', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxQueue: 100, maxWaitMs: 1000 }, 400);
    const blocker = held();
    const running = queue.run(() => blocker.promise);
    const waiting = [queue.reserve(), queue.reserve()];
    // Two hashes of 400 ms ahead of it, and the one running: a wait of about 1200 ms.
    expect(() => queue.reserve()).to.throw(RetryLaterError, /busy/);
    blocker.release();
    await running;
    for (const place of waiting) place.release();
  });

  it('refuses on arrival a call whose wait and hash would pass its deadline, and admits one whose deadline leaves room', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxQueue: 100, maxWaitMs: 10000 }, 200);
    const blocker = held();
    const running = queue.run(() => blocker.promise);
    const refused = (() => {
      try {
        queue.reserve(Date.now() + 400);
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(refused).to.be.instanceOf(RetryLaterError).with.property('reason', 'SERVER_BUSY');
    expect((refused as RetryLaterError).retryAfterSeconds).to.be.at.least(1);
    // A hash without a place (a login's rehash, ChangePassword's new hash) is held to its deadline alike.
    let hashed = false;
    const alone = await queue.run(async () => (hashed = true), Date.now() + 400).catch((error: unknown) => error);
    expect(alone).to.be.instanceOf(RetryLaterError).with.property('reason', 'SERVER_BUSY');
    expect(hashed).to.equal(false);
    queue.reserve(Date.now() + 60000).release();
    blocker.release();
    await running;
  });

  it('refuses a waiting place once its deadline no longer leaves room for the hash, instead of letting it time out', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxQueue: 100, maxWaitMs: 10000 }, 50);
    const blocker = held();
    const running = queue.run(() => blocker.promise);
    const place = queue.reserve(Date.now() + 500);
    let hashed = false;
    // The hash ahead never ends until the refusal came: without it this test would time out.
    const refused = await place
      .run(async () => {
        hashed = true;
      })
      .catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(RetryLaterError).with.property('reason', 'SERVER_BUSY');
    expect(hashed).to.equal(false);
    expect(queue.queued).to.equal(0);
    blocker.release();
    await running;
    expect(await queue.run(async () => 'after')).to.equal('after');
  });

  it('refuses a waiting call whose turn comes too late for its deadline, and passes the slot to the next', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxQueue: 100, maxWaitMs: 10000 }, 20);
    // The hash ahead runs far longer than the 20 ms assumed: the waiters' deadlines pass meanwhile.
    const running = queue.run(() => sleep(300));
    const late = queue.reserve(Date.now() + 200);
    const patient = queue.reserve();
    let lateHashed = false;
    const outcomes = await Promise.all([
      late.run(async () => (lateHashed = true)).catch((error: unknown) => error),
      patient.run(async () => 'hashed'),
      running,
    ]);
    expect(outcomes[0]).to.be.instanceOf(RetryLaterError).with.property('reason', 'SERVER_BUSY');
    expect(lateHashed).to.equal(false);
    expect(outcomes[1]).to.equal('hashed');
  });

  it('starts a call at once when a slot is free and its deadline leaves room for the hash, and refuses it when not', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxQueue: 100, maxWaitMs: 10000 }, 1000);
    let hashed = false;
    expect(() => queue.reserve(Date.now() + 500)).to.throw(RetryLaterError, /busy/);
    const refused = await queue.run(async () => (hashed = true), Date.now() + 500).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(RetryLaterError).with.property('reason', 'SERVER_BUSY');
    expect(hashed).to.equal(false);
    // Too near to wait for a slot (that needs room for two hashes), near enough to start one now.
    expect(await queue.reserve(Date.now() + 1500).run(async () => 'hashed')).to.equal('hashed');
  });

  it('gives a released place back to the next caller', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxQueue: 0, maxWaitMs: 1000 }, 50);
    const place = queue.reserve();
    expect(() => queue.reserve()).to.throw(RetryLaterError);
    place.release();
    place.release();
    expect(await queue.reserve().run(async () => 'ok')).to.equal('ok');
  });
});

for (const setup of SETUPS)
  describe(`A login flood is shed, not queued until deadlines pass (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;

    before(async function () {
      server = await startTestServer(
        setupEnv(setup, this, 'load_shedding', { BCRYPT_COST: '9', HASH_CONCURRENCY: '1', HASH_QUEUE_MAX: '3', HASH_QUEUE_WAIT_MS: '400' }),
      );
    });
    after(async () => server?.close());

    it('answers a flood of 40 logins with checked ones or RESOURCE_EXHAUSTED / SERVER_BUSY on arrival, never a time-out', async () => {
      const email = freshEmail('regular');
      await registerUser(server.api, email);
      await server.api.login({ email, password: PASSWORD });
      const timed = async (call: Promise<unknown>): Promise<Outcome & { ms: number }> => {
        const started = performance.now();
        const outcome = await outcomeOf(call);
        return { ...outcome, ms: performance.now() - started };
      };
      const flood = Array.from({ length: 40 }, (_, index) => timed(loginFrom(server.api, freshEmail('flood'), WRONG, sourceIp(index))));
      const outcomes = await Promise.all(flood);

      const shed = outcomes.filter((outcome) => outcome.reason === 'SERVER_BUSY');
      expect(shed.length).to.be.at.least(10);
      for (const outcome of shed) {
        expect(outcome.code).to.equal(status.RESOURCE_EXHAUSTED);
        expect(outcome.retryAfter).to.be.at.least(1);
      }
      expect(outcomes.every((outcome) => ['SERVER_BUSY', 'INVALID_CREDENTIALS'].includes(outcome.reason))).to.equal(true);
      // Refused on arrival, not after sitting out HASH_QUEUE_WAIT_MS (bounds are loose: CI machines are shared).
      expect(shed.map((outcome) => outcome.ms).sort((a, b) => a - b)[Math.floor(shed.length / 2)]).to.be.below(400);
    });
  });

for (const setup of SETUPS)
  describe(`Token calls never wait behind password hashing (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;

    before(async function () {
      // One hashing slot at a cost of a few hundred milliseconds: three logins are a backlog of about a second.
      server = await startTestServer(setupEnv(setup, this, 'hashing_backlog', { BCRYPT_COST: '12', HASH_CONCURRENCY: '1', HASH_QUEUE_WAIT_MS: '30000' }));
    });
    after(async () => server?.close());

    it('answers ValidateToken, GetMe and RefreshToken while logins wait for hashing, not after them', async () => {
      const email = freshEmail('reader');
      await registerUser(server.api, email);
      const session = await server.api.login({ email, password: PASSWORD });
      const finished: string[] = [];
      const note = (label: string) => (value: unknown) => {
        finished.push(label);
        return value;
      };
      const logins = Array.from({ length: 3 }, (_, index) =>
        outcomeOf(server.api.login({ email, password: PASSWORD }, { clientIp: sourceIp(index) })).then(note('login')),
      );
      await Promise.all([
        server.api.validateToken({ token: session.accessToken }).then(note('ValidateToken')),
        server.api.getMe({}, { token: session.accessToken }).then(note('GetMe')),
        server.api.refreshToken({ refreshToken: session.refreshToken }).then(note('RefreshToken')),
      ]);
      await Promise.all(logins);
      expect(finished.slice(0, 3)).to.have.members(['ValidateToken', 'GetMe', 'RefreshToken']);
    });
  });

/**
 * The flood of the hardening review (issue 27, M1): right after start, with the production
 * hashing settings (BCRYPT_COST 12, HASH_CONCURRENCY one per core, the default queue), 70
 * logins of distinct emails at once: far more than can be hashed before the callers'
 * deadlines. Every caller must get its answer in time: a checked password or a refusal
 * with a retry-after, never a time-out.
 */
const FLOOD = 70;

for (const setup of SETUPS)
  describe(`A login flood on a just-started instance is refused, never timed out (${SETUP_TITLES[setup]})`, function () {
    this.timeout(120000);
    let server: TestServer | undefined;
    let bridge: TestBridge | undefined;

    beforeEach(async function () {
      server = await startTestServer(setupEnv(setup, this, 'cold_flood', { BCRYPT_COST: '12' }));
    });
    afterEach(async () => {
      await bridge?.close();
      bridge = undefined;
      await server?.close();
    });

    for (const wiring of WIRINGS)
      it(`answers ${FLOOD} parallel POST /login through the bridge (${wiring}) with 401 or 429 and Retry-After, never 503`, async () => {
        bridge = await startBridgeFor(server!, wiring);
        const browser = new CookieClient(bridge.url);
        const responses = await Promise.all(Array.from({ length: FLOOD }, () => browser.post('/login', { email: freshEmail('cold'), password: WRONG })));
        const tally = tallyOf(responses.map((response) => `${response.status} ${response.body?.reason}`));
        expect(
          Object.keys(tally).filter((outcome) => !['401 INVALID_CREDENTIALS', '429 SERVER_BUSY'].includes(outcome)),
          JSON.stringify(tally),
        ).to.deep.equal([]);
        for (const refused of responses.filter((response) => response.status === 429)) {
          expect(Number(refused.headers.get('retry-after'))).to.be.at.least(1);
        }
      });

    it(`answers ${FLOOD} parallel Logins with a 5 s deadline with INVALID_CREDENTIALS or RESOURCE_EXHAUSTED / SERVER_BUSY, never DEADLINE_EXCEEDED`, async () => {
      const outcomes = await Promise.all(
        Array.from({ length: FLOOD }, (_, index) =>
          outcomeOf(server!.api.login({ email: freshEmail('cold'), password: WRONG }, { clientIp: sourceIp(index), deadlineMs: 5000 })),
        ),
      );
      const tally = tallyOf(outcomes.map((outcome) => `${status[outcome.code]} ${outcome.reason}`));
      expect(
        Object.keys(tally).filter((outcome) => !['UNAUTHENTICATED INVALID_CREDENTIALS', 'RESOURCE_EXHAUSTED SERVER_BUSY'].includes(outcome)),
        JSON.stringify(tally),
      ).to.deep.equal([]);
      for (const refused of outcomes.filter((outcome) => outcome.reason === 'SERVER_BUSY')) expect(refused.retryAfter).to.be.at.least(1);
    });
  });

function tallyOf(outcomes: string[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const outcome of outcomes) tally[outcome] = (tally[outcome] ?? 0) + 1;
  return tally;
}
