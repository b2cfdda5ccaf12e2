import { expect } from 'chai';
import { Audit } from '../../../src/domain/audit/recorder.js';
import { domainError } from '../../../src/domain/kernel/errors.js';
import { silentLogger } from '../../../src/domain/kernel/logger.js';
import { NO_REQUEST } from '../../../src/domain/kernel/request.js';
import { eventually } from '../../support/eventually.js';
import { FakeAuditLog } from '../fakes/audit-log.js';
import { ManualClock, PASSWORD, reasonOf, registeredUser, world } from '../fakes/world.js';

const throttled = { type: 'login.throttled', outcome: 'failure', actor: 'anonymous', target: 'someone' } as const;

describe('The audit recorder', () => {
  it('writes a record only after the caller has its answer, never in the call itself', async () => {
    const store = new FakeAuditLog();
    const audit = new Audit({ store, stream: null, log: silentLogger, queueMax: 10, retentionDays: 90 });
    audit.record({ type: 'logout', outcome: 'success', actor: 'a', target: 'a' });
    await Promise.resolve();
    expect(store.appends).to.equal(0);
    await eventually(() => store.records.size === 1, { what: 'the record to be written' });
  });

  it('writes the records of a busy moment together, in one write, not one write per call', async () => {
    const store = new FakeAuditLog();
    const audit = new Audit({ store, stream: null, log: silentLogger, queueMax: 100, retentionDays: 90 });
    for (let call = 0; call < 10; call++) {
      audit.record({ type: 'token.refreshed', outcome: 'success', actor: `c${call}`, target: `c${call}` });
      // Each call in a turn of its own, as calls spread over turns are.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(() => store.records.size === 10, { what: 'the records to be written' });
    expect(store.appends).to.equal(1);
  });

  it('writes the records that come during a slow write together after it, not one write for each', async () => {
    const batches: number[] = [];
    let release = () => {};
    const store = new FakeAuditLog();
    const append = store.append.bind(store);
    store.append = async (events) => {
      batches.push(events.length);
      // The first write hangs until released, as a store under load does.
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      await append(events);
    };
    const audit = new Audit({ store, stream: null, log: silentLogger, queueMax: 100, retentionDays: 90 });
    const record = (actor: string) => audit.record({ type: 'token.refreshed', outcome: 'success', actor, target: actor });
    record('first');
    await eventually(() => batches.length === 1, { what: 'the first write to start' });
    record('second');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    record('third');
    await eventually(() => store.records.size === 3, { what: 'the records to be written' });
    // Before: [1, 1, 1], the second written alone the moment the first was stored.
    expect(batches).to.deep.equal([1, 2]);
  });

  for (const ending of ['a flush', 'a retry after an outage'] as const)
    it(`writes a record that comes just as ${ending} ends its write, without waiting for another record`, async () => {
      // A record may come in any turn around the end of the write: each offset in microtask
      // turns after the store has answered is tried, one store and recorder each.
      for (let turns = 0; turns < 12; turns++) {
        const store = new FakeAuditLog();
        const append = store.append.bind(store);
        const audit = new Audit({ store, stream: null, log: silentLogger, queueMax: 100, retentionDays: 90, retryMs: 5 });
        let armed = false;
        store.append = async (events) => {
          await append(events);
          if (!armed) return;
          armed = false;
          let later = Promise.resolve();
          for (let turn = 0; turn < turns; turn++) later = later.then(() => {});
          void later.then(() => audit.record({ type: 'logout', outcome: 'success', actor: 'late', target: 'late' }));
        };
        if (ending === 'a flush') {
          audit.record({ type: 'logout', outcome: 'success', actor: 'first', target: 'first' });
          armed = true;
          await audit.flush();
        } else {
          store.down = true;
          audit.record({ type: 'logout', outcome: 'success', actor: 'first', target: 'first' });
          await eventually(() => store.appends > 0, { what: 'the write to fail' });
          store.down = false;
          armed = true;
        }
        // Before: at one offset the record stayed queued, with no write to come until the next record.
        await eventually(() => store.records.size === 2, { what: `the record that came ${turns} turns after the write to be written`, timeoutMs: 1000 });
        await audit.close();
      }
    });

  it('never fails a login while its store is down: the record waits and is written when the store is back', async () => {
    const w = world();
    const { email } = await registeredUser(w);
    await w.audit.flush();
    w.auditLog.down = true;
    const pair = await w.useCases.sessionTokens.login({ email, password: PASSWORD });
    expect('client' in pair && pair.client.email).to.equal(email);
    await w.audit.flush();
    expect(w.audit.stats().queued).to.equal(1);
    w.auditLog.down = false;
    await eventually(() => w.audit.stats().queued === 0, { what: 'the queue to drain' });
    const types = [...w.auditLog.records.values()].map((record) => record.type);
    expect(types).to.deep.equal(['client.registered', 'login.succeeded', 'login.succeeded']);
  });

  it('keeps at most AUDIT_QUEUE_MAX records while the store is down and counts the ones it drops', async () => {
    const store = new FakeAuditLog();
    store.down = true;
    const audit = new Audit({ store, stream: null, log: silentLogger, queueMax: 10, retentionDays: 90, retryMs: 5 });
    for (let i = 0; i < 25; i++) audit.record({ type: 'logout', outcome: 'success', actor: `c${i}`, target: `c${i}` });
    await audit.flush();
    expect(audit.stats()).to.include({ queued: 10, dropped: 15 });
    store.down = false;
    await eventually(() => store.records.size === 10, { what: 'the queued records to be stored' });
    await audit.close();
  });

  it('folds a flood of one key into one record a minute, the next one saying how many it stands for', async () => {
    const store = new FakeAuditLog();
    const clock = new ManualClock();
    const audit = new Audit({ store, stream: null, log: silentLogger, queueMax: 100, retentionDays: 90, now: clock.now });
    for (let i = 0; i < 5; i++) audit.record(throttled, undefined, 'login.throttled:a@example.com');
    audit.record(throttled, undefined, 'login.throttled:b@example.com');
    clock.advance(61_000);
    audit.record(throttled, undefined, 'login.throttled:a@example.com');
    await audit.flush();
    const details = [...store.records.values()].map((record) => record.details);
    expect(details).to.deep.equal([{}, {}, { repeated: 4 }]);
    expect(audit.stats().recorded.get('login.throttled|failure')!.count).to.equal(7);
  });

  it('sweeps what is older than the retention', async () => {
    const store = new FakeAuditLog();
    const clock = new ManualClock();
    const audit = new Audit({ store, stream: null, log: silentLogger, queueMax: 100, retentionDays: 90, now: clock.now });
    audit.record({ type: 'logout', outcome: 'success', actor: 'a', target: 'a' });
    await audit.flush();
    clock.advance(89 * 86_400_000);
    expect(await audit.sweepExpired()).to.equal(0);
    clock.advance(2 * 86_400_000);
    expect(await audit.sweepExpired()).to.equal(1);
  });
});

describe("The audit recorder's record of a refused admin action", () => {
  const attempt = { type: 'client.suspended', actor: '01900000-0000-7000-8000-000000000001', target: '01900000-0000-7000-8000-000000000002' } as const;
  const refuse = (reason: string) => async () => {
    throw domainError(reason as Parameters<typeof domainError>[0]);
  };
  const recorder = () => {
    const store = new FakeAuditLog();
    return { store, audit: new Audit({ store, stream: null, log: silentLogger, queueMax: 100, retentionDays: 90 }) };
  };

  it('records a refusal with its reason and passes the error on, and records nothing when the action succeeds', async () => {
    const { store, audit } = recorder();
    expect(await audit.refusals(NO_REQUEST, attempt, async () => 'done')).to.equal('done');
    expect(await reasonOf(audit.refusals(NO_REQUEST, attempt, refuse('LAST_ADMIN')))).to.equal('LAST_ADMIN');
    await audit.flush();
    const records = [...store.records.values()];
    expect(records).to.have.length(1);
    expect(records[0]).to.deep.include({
      type: 'client.suspended',
      outcome: 'failure',
      actor: attempt.actor,
      target: attempt.target,
      details: { reason: 'LAST_ADMIN' },
    });
  });

  it('records no malformed request or outage, and no target that is not a client id', async () => {
    const { store, audit } = recorder();
    await reasonOf(audit.refusals(NO_REQUEST, attempt, refuse('INVALID_ARGUMENT')));
    await reasonOf(audit.refusals(NO_REQUEST, attempt, refuse('UNAVAILABLE')));
    await reasonOf(audit.refusals(NO_REQUEST, { ...attempt, target: 'x'.repeat(10_000) }, refuse('CLIENT_NOT_FOUND')));
    await audit.flush();
    expect([...store.records.values()].map((record) => record.target)).to.deep.equal(['']);
  });
});
