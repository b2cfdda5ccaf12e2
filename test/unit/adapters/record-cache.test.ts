import { expect } from 'chai';
import { estimateBytes, RecordCache } from '../../../src/adapters/record-cache.js';
import type { ClientRecord } from '../../../src/domain/kernel/client.js';

const LIMITS = { maxEntries: 100, maxBytes: 1024 * 1024, maxAgeMs: 60_000 };

function record(id: string, firstName = 'Ada'): ClientRecord {
  const at = new Date(0);
  return {
    id,
    kind: 'user',
    email: `${id}@example.com`,
    firstName,
    lastName: 'Lovelace',
    phoneNumber: '',
    name: '',
    groups: ['user'],
    attributes: {},
    passwordHash: '$2b$04$abcdefghijklmnopqrstuv',
    secretHash: null,
    suspended: false,
    suspensionReason: '',
    suspendedAt: null,
    suspendedBy: '',
    createdAt: at,
    updatedAt: at,
    emailVerifiedAt: null,
    lastTokenIssuedAt: null,
  };
}

/** A store of records that counts its reads; `gate` holds reads until released. */
function store(records: Map<string, ClientRecord>) {
  const state = { reads: 0, gate: null as Promise<void> | null };
  return {
    state,
    load: (id: string) => async () => {
      state.reads++;
      // The store answers what it holds now; the answer may take a while to arrive.
      const found = records.get(id);
      if (state.gate) await state.gate;
      return found ? { ...found, groups: [...found.groups], attributes: { ...found.attributes } } : null;
    },
  };
}

function enabled(limits = LIMITS, now?: () => number): RecordCache<ClientRecord> {
  const cache = new RecordCache<ClientRecord>(limits, now ? { now } : {});
  cache.enable();
  return cache;
}

describe('RecordCache (client records)', () => {
  it('reads a client once and answers it again from memory', async () => {
    const records = new Map([['a', record('a')]]);
    const { state, load } = store(records);
    const cache = enabled();
    expect((await cache.read('a', load('a')))!.firstName).to.equal('Ada');
    expect((await cache.read('a', load('a')))!.firstName).to.equal('Ada');
    expect(state.reads).to.equal(1);
  });

  it('reads again after an invalidation, and answers the new record', async () => {
    const records = new Map([['a', record('a')]]);
    const { state, load } = store(records);
    const cache = enabled();
    await cache.read('a', load('a'));
    records.set('a', record('a', 'Grace'));
    cache.invalidate('a');
    expect((await cache.read('a', load('a')))!.firstName).to.equal('Grace');
    expect(state.reads).to.equal(2);
  });

  it('does not keep a record whose read was under way when its client was invalidated', async () => {
    const records = new Map([['a', record('a')]]);
    const { state, load } = store(records);
    const cache = enabled();
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    const inFlight = cache.read('a', load('a'));
    // The change lands after the store answered the old record but before the answer arrives.
    cache.invalidate('a');
    records.set('a', record('a', 'Grace'));
    release();
    expect((await inFlight)!.firstName).to.equal('Ada');
    state.gate = null;
    expect((await cache.read('a', load('a')))!.firstName).to.equal('Grace');
  });

  it('does not keep a record whose read was under way when everything was dropped', async () => {
    const records = new Map([['a', record('a')]]);
    const { state, load } = store(records);
    const cache = enabled();
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    const inFlight = cache.read('a', load('a'));
    cache.disable();
    cache.enable();
    release();
    await inFlight;
    state.gate = null;
    records.set('a', record('a', 'Grace'));
    expect((await cache.read('a', load('a')))!.firstName).to.equal('Grace');
  });

  it('shares one store read among concurrent reads of a client', async () => {
    const { state, load } = store(new Map([['a', record('a')]]));
    const cache = enabled();
    const answers = await Promise.all([cache.read('a', load('a')), cache.read('a', load('a')), cache.read('a', load('a'))]);
    expect(answers.map((answer) => answer!.id)).to.deep.equal(['a', 'a', 'a']);
    expect(state.reads).to.equal(1);
  });

  it('keeps nothing while disabled, and forgets everything when disabled', async () => {
    const records = new Map([['a', record('a')]]);
    const { state, load } = store(records);
    const cache = enabled();
    await cache.read('a', load('a'));
    cache.disable();
    expect(cache.size().entries).to.equal(0);
    await cache.read('a', load('a'));
    await cache.read('a', load('a'));
    expect(state.reads).to.equal(3);
  });

  it('does not keep a client that does not exist', async () => {
    const { state, load } = store(new Map());
    const cache = enabled();
    expect(await cache.read('gone', load('gone'))).to.equal(null);
    expect(await cache.read('gone', load('gone'))).to.equal(null);
    expect(state.reads).to.equal(2);
  });

  it('keeps at most maxEntries records, dropping the least recently used', async () => {
    const records = new Map(['a', 'b', 'c'].map((id) => [id, record(id)] as const));
    const { state, load } = store(records);
    const cache = enabled({ ...LIMITS, maxEntries: 2 });
    await cache.read('a', load('a'));
    await cache.read('b', load('b'));
    await cache.read('a', load('a'));
    await cache.read('c', load('c'));
    expect(cache.size().entries).to.equal(2);
    const before = state.reads;
    await cache.read('a', load('a'));
    expect(state.reads).to.equal(before);
    await cache.read('b', load('b'));
    expect(state.reads).to.equal(before + 1);
  });

  it('keeps at most about maxBytes of records', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `client-${i}`);
    const records = new Map(ids.map((id) => [id, record(id)] as const));
    const { load } = store(records);
    const oneRecord = estimateBytes(record('client-0'));
    const cache = enabled({ ...LIMITS, maxBytes: oneRecord * 10 });
    for (const id of ids) await cache.read(id, load(id));
    expect(cache.size().entries).to.be.at.most(10);
    expect(cache.size().bytes).to.be.at.most(oneRecord * 10);
  });

  it('reads a record again once it is older than maxAgeMs', async () => {
    let now = 0;
    const records = new Map([['a', record('a')]]);
    const { state, load } = store(records);
    const cache = enabled({ ...LIMITS, maxAgeMs: 1000 }, () => now);
    await cache.read('a', load('a'));
    now = 999;
    await cache.read('a', load('a'));
    expect(state.reads).to.equal(1);
    now = 1000;
    records.set('a', record('a', 'Grace'));
    expect((await cache.read('a', load('a')))!.firstName).to.equal('Grace');
    expect(state.reads).to.equal(2);
  });

  it('answers frozen records, so no caller can change what the next one is answered', async () => {
    const { load } = store(new Map([['a', record('a')]]));
    const cache = enabled();
    const answer = (await cache.read('a', load('a')))!;
    expect(() => answer.groups.push('admin')).to.throw(TypeError);
    expect(() => {
      (answer as { firstName: string }).firstName = 'Mallory';
    }).to.throw(TypeError);
  });
});

describe('RecordCache options', () => {
  it('keeps an absence when told to, within the bounds, until its key is invalidated', async () => {
    const records = new Map<string, ClientRecord>();
    const { state, load } = store(records);
    const cache = new RecordCache<ClientRecord>({ ...LIMITS, maxEntries: 2 }, { keepAbsent: true });
    cache.enable();
    expect(await cache.read('a', load('a'))).to.equal(null);
    expect(await cache.read('a', load('a'))).to.equal(null);
    expect(state.reads).to.equal(1);
    expect(cache.size().bytes).to.be.above(0);
    // The key comes to exist through a change, which forgets the absence.
    await cache.changing('a', async () => void records.set('a', record('a')));
    expect((await cache.read('a', load('a')))!.firstName).to.equal('Ada');
    await cache.read('b', load('b'));
    await cache.read('c', load('c'));
    expect(cache.size().entries).to.equal(2);
  });

  it('does not keep an absence whose read was under way when its key was invalidated', async () => {
    const records = new Map<string, ClientRecord>();
    const { state, load } = store(records);
    const cache = new RecordCache<ClientRecord>(LIMITS, { keepAbsent: true });
    cache.enable();
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    const inFlight = cache.read('a', load('a'));
    records.set('a', record('a'));
    cache.invalidate('a');
    release();
    expect(await inFlight).to.equal(null);
    state.gate = null;
    expect((await cache.read('a', load('a')))!.firstName).to.equal('Ada');
  });

  it('answers a record it must not keep as read, unfrozen, and reads it again every time', async () => {
    const records = new Map([
      ['service', { ...record('service'), kind: 'service' as const }],
      ['user', record('user')],
    ]);
    const { state, load } = store(records);
    const cache = new RecordCache<ClientRecord>(LIMITS, { keeps: (kept) => kept.kind !== 'service' });
    cache.enable();
    const refused = (await cache.read('service', load('service')))!;
    expect(Object.isFrozen(refused)).to.equal(false);
    records.set('service', { ...record('service', 'Grace'), kind: 'service' });
    expect((await cache.read('service', load('service')))!.firstName).to.equal('Grace');
    expect(state.reads).to.equal(2);
    await cache.read('user', load('user'));
    await cache.read('user', load('user'));
    expect(state.reads).to.equal(3);
    expect(cache.size().entries).to.equal(1);
  });
});
