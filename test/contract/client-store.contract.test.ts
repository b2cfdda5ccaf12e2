/** The ClientStore port's guarantees, asserted against every adapter. */
import { expect } from 'chai';
import { MemoryCachedClientStore } from '../../src/adapters/embedded/memory-cached-client-store.js';
import { fillEmailSkeletons, SqliteClientStore } from '../../src/adapters/embedded/sqlite-client-store.js';
import { MongoClientStore } from '../../src/adapters/mongo/client-store.js';
import { CachedClientStore } from '../../src/adapters/redis/cached-client-store.js';
import type { ClientStore } from '../../src/domain/clients/ports.js';
import type { ClientRecord } from '../../src/domain/kernel/client.js';
import { DuplicateKeyError } from '../../src/domain/kernel/errors.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { silentLogger } from '../../src/domain/kernel/logger.js';
import { ferretDatabases, openSqlite, redisConnections } from './backends.js';

/** A store, and what an upgrade does to it: `forgetSkeletons` makes its rows as an earlier release left them, `fillSkeletons` is the start-up's fill. */
type OpenClientStore = () => Promise<{ store: ClientStore; close(): Promise<void>; forgetSkeletons(): Promise<void>; fillSkeletons(): Promise<number> }>;

let sequence = 0;

function aClient(fields: Partial<ClientRecord> = {}): ClientRecord {
  const createdAt = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  return {
    id: newId(),
    kind: 'user',
    email: `client${++sequence}@example.com`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    phoneNumber: '+44 20 0000',
    name: '',
    groups: ['user'],
    attributes: { team: 'engines', 'note ü': 'ÿes' },
    passwordHash: '$2b$04$abcdefghijklmnopqrstuuO3dAWlXJ0QmM1L5wHGZKQ9UvS7xU2Gi',
    secretHash: null,
    suspended: false,
    suspensionReason: '',
    suspendedAt: null,
    suspendedBy: '',
    createdAt,
    updatedAt: createdAt,
    emailVerifiedAt: null,
    lastTokenIssuedAt: null,
    ...fields,
  };
}

async function expectDuplicate(insert: Promise<void>): Promise<void> {
  const error = await insert.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(DuplicateKeyError);
}

function clientStoreContract(open: OpenClientStore): void {
  let store: ClientStore;
  let close: () => Promise<void>;
  let forgetSkeletons: () => Promise<void>;
  let fillSkeletons: () => Promise<number>;
  beforeEach(async () => {
    ({ store, close, forgetSkeletons, fillSkeletons } = await open());
  });
  afterEach(async () => close?.());

  const ids = (clients: ClientRecord[]) => clients.map((client) => client.id);

  it('keeps every field of a client: dates come back as dates, groups and attributes as given', async () => {
    const service = aClient({
      kind: 'service',
      name: 'billing',
      groups: ['service', 'billing'],
      passwordHash: null,
      secretHash: 'a'.repeat(64),
      suspended: true,
      suspensionReason: 'unpaid',
      suspendedAt: new Date(Date.UTC(2026, 5, 1)),
      suspendedBy: newId(),
    });
    await store.insert(service);
    const byId = await store.findById(service.id);
    expect(byId).to.deep.equal(service);
    expect(byId!.createdAt).to.be.instanceOf(Date);
    expect(byId!.suspendedAt).to.be.instanceOf(Date);
    expect(await store.findByEmail(service.email)).to.deep.equal(service);
  });

  it('answers null for an id or an email it does not hold', async () => {
    await store.insert(aClient());
    expect(await store.findById(newId())).to.equal(null);
    expect(await store.findByEmail('nobody@example.com')).to.equal(null);
  });

  it('lets exactly one of 50 concurrent inserts of one email succeed; every other throws DuplicateKeyError("email")', async () => {
    const email = 'contended@example.com';
    const contenders = Array.from({ length: 50 }, () => aClient({ email }));
    const results = await Promise.allSettled(contenders.map((client) => store.insert(client)));
    const won = results.flatMap((result, index) => (result.status === 'fulfilled' ? [contenders[index]!] : []));
    const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(won).to.have.length(1);
    expect(errors).to.have.length(49);
    for (const error of errors) expect(error).to.be.instanceOf(DuplicateKeyError).with.property('key', 'email');
    expect((await store.findByEmail(email))!.id).to.equal(won[0]!.id);
    expect(await store.list({ limit: 100 })).to.have.length(1);
  });

  it('updates only the given fields and returns the new record', async () => {
    const client = aClient();
    const other = aClient();
    await store.insert(client);
    await store.insert(other);
    const at = new Date(Date.UTC(2026, 6, 7, 8, 9, 10, 11));
    const updated = await store.update(client.id, { groups: ['user', 'admin'], suspended: true, suspendedAt: at, updatedAt: at });
    const expected = { ...client, groups: ['user', 'admin'], suspended: true, suspendedAt: at, updatedAt: at };
    expect(updated).to.deep.equal(expected);
    expect(await store.findById(client.id)).to.deep.equal(expected);
    expect(await store.findById(other.id)).to.deep.equal(other);
  });

  it('answers an update of an unknown id with null and stores nothing', async () => {
    const missing = newId();
    expect(await store.update(missing, { firstName: 'Nobody' })).to.equal(null);
    expect(await store.findById(missing)).to.equal(null);
    expect(await store.list({ limit: 10 })).to.deep.equal([]);
  });

  it('deletes a client and says whether it existed', async () => {
    const client = aClient();
    await store.insert(client);
    expect(await store.delete(client.id)).to.equal(true);
    expect(await store.findById(client.id)).to.equal(null);
    expect(await store.findByEmail(client.email)).to.equal(null);
    expect(await store.delete(client.id)).to.equal(false);
  });

  it('treats a client marked deleted as gone to every lookup and change, and names it for recovery until it is removed', async () => {
    const client = aClient();
    const other = aClient();
    await store.insert(client);
    await store.insert(other);
    const deletion = { requestId: newId(), at: new Date(Date.UTC(2026, 7, 8, 9, 10, 11, 12)), by: newId() };
    expect(await store.markDeleted(client.id, deletion)).to.deep.equal({ client, deletion });

    expect(await store.findById(client.id)).to.equal(null);
    expect(await store.findByEmail(client.email)).to.equal(null);
    expect(ids(await store.list({ limit: 10 }))).to.deep.equal([other.id]);
    expect(await store.update(client.id, { firstName: 'Changed' })).to.equal(null);
    expect(await store.listMarkedDeleted(10)).to.deep.equal([{ client, deletion }]);
    // The email stays taken until the record is removed.
    await expectDuplicate(store.insert(aClient({ email: client.email })));

    expect(await store.delete(client.id)).to.equal(true);
    expect(await store.listMarkedDeleted(10)).to.deep.equal([]);
    await store.insert(aClient({ email: client.email }));
    expect(await store.findById(other.id)).to.deep.equal(other);
  });

  it('keeps the first deletion of a client marked twice, and marks no client it does not hold', async () => {
    const client = aClient();
    await store.insert(client);
    const first = { requestId: newId(), at: new Date(Date.UTC(2026, 7, 8)), by: newId() };
    const second = { requestId: newId(), at: new Date(Date.UTC(2026, 7, 9)), by: newId() };
    expect((await store.markDeleted(client.id, first))!.deletion).to.deep.equal(first);
    expect((await store.markDeleted(client.id, second))!.deletion).to.deep.equal(first);
    expect(await store.markDeleted(newId(), second)).to.equal(null);
    expect(await store.listMarkedDeleted(10)).to.have.length(1);
  });

  it('names marked clients oldest deletion first, at most the limit', async () => {
    const clients = [aClient(), aClient(), aClient()];
    for (const client of clients) await store.insert(client);
    const at = (ms: number) => ({ requestId: newId(), at: new Date(Date.UTC(2026, 0, 1) + ms), by: newId() });
    await store.markDeleted(clients[0]!.id, at(300));
    await store.markDeleted(clients[1]!.id, at(100));
    await store.markDeleted(clients[2]!.id, at(200));
    expect((await store.listMarkedDeleted(2)).map((marked) => marked.client.id)).to.deep.equal([clients[1]!.id, clients[2]!.id]);
  });

  it('lists in id order whatever the insertion order, and afterId pages through each client exactly once', async () => {
    const start = Date.now();
    const clients = Array.from({ length: 7 }, (_, i) => aClient({ id: newId(start + i) }));
    for (const index of [4, 0, 6, 2, 5, 1, 3]) await store.insert(clients[index]!);
    expect(ids(await store.list({ limit: 100 }))).to.deep.equal(ids(clients));

    const seen: string[] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await store.list({ limit: 3, ...(afterId ? { afterId } : {}) });
      seen.push(...ids(page));
      if (page.length < 3) break;
      afterId = page[page.length - 1]!.id;
    }
    expect(seen).to.deep.equal(ids(clients));
  });

  it('lists newest first with newestFirst, and afterId then pages towards older clients, each client exactly once', async () => {
    const start = Date.now();
    const clients = Array.from({ length: 7 }, (_, i) => aClient({ id: newId(start + i) }));
    for (const index of [4, 0, 6, 2, 5, 1, 3]) await store.insert(clients[index]!);
    const newest = ids(clients).reverse();
    expect(ids(await store.list({ limit: 100, newestFirst: true }))).to.deep.equal(newest);
    const seen: string[] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await store.list({ limit: 3, newestFirst: true, ...(afterId ? { afterId } : {}) });
      seen.push(...ids(page));
      if (page.length < 3) break;
      afterId = page[page.length - 1]!.id;
    }
    expect(seen).to.deep.equal(newest);
  });

  it('filters by kind and by suspension, alone and together', async () => {
    const start = Date.now();
    const user = aClient({ id: newId(start) });
    const suspendedUser = aClient({ id: newId(start + 1), suspended: true });
    const service = aClient({ id: newId(start + 2), kind: 'service', groups: ['service'] });
    const suspendedService = aClient({ id: newId(start + 3), kind: 'service', groups: ['service'], suspended: true });
    for (const client of [service, user, suspendedService, suspendedUser]) await store.insert(client);
    expect(ids(await store.list({ kind: 'user', limit: 10 }))).to.deep.equal(ids([user, suspendedUser]));
    expect(ids(await store.list({ kind: 'service', limit: 10 }))).to.deep.equal(ids([service, suspendedService]));
    expect(ids(await store.list({ suspended: true, limit: 10 }))).to.deep.equal(ids([suspendedUser, suspendedService]));
    expect(ids(await store.list({ suspended: false, limit: 10 }))).to.deep.equal(ids([user, service]));
    expect(ids(await store.list({ kind: 'service', suspended: false, limit: 10 }))).to.deep.equal(ids([service]));
  });

  it('matches the email prefix literally: "+", ".", "%" and "_" are characters, not patterns', async () => {
    const start = Date.now();
    const emails = ['a+b.c@x.io', 'aab.c@x.io', 'a+bxc@x.io', 'a+b.cd@x.io', 'b+b.c@x.io', '50%_off@x.io', '50xyoff@x.io'];
    const clients = emails.map((email, i) => aClient({ id: newId(start + i), email }));
    for (const client of clients) await store.insert(client);
    const emailsFor = async (emailPrefix: string) => (await store.list({ emailPrefix, limit: 10 })).map((client) => client.email);
    expect(await emailsFor('a+b.c')).to.deep.equal(['a+b.c@x.io', 'a+b.cd@x.io']);
    expect(await emailsFor('a+')).to.deep.equal(['a+b.c@x.io', 'a+bxc@x.io', 'a+b.cd@x.io']);
    expect(await emailsFor('50%_')).to.deep.equal(['50%_off@x.io']);
    expect(await emailsFor('x.io')).to.deep.equal([]);
  });

  it('matches a prefix beyond ASCII by code point: astral characters after it, the greatest code point in it', async () => {
    const start = Date.now();
    const emails = ['u\u4e2da@x.io', 'u\u4e2d\u{1f600}@x.io', 'u\u4e2e@x.io', 'w\u{10ffff}@x.io', 'w\u{10ffff}\u{10ffff}@x.io', 'x\u{10ffff}@x.io'];
    const clients = emails.map((email, i) => aClient({ id: newId(start + i), email }));
    for (const client of clients) await store.insert(client);
    const emailsFor = async (emailPrefix: string) => (await store.list({ emailPrefix, limit: 10 })).map((client) => client.email);
    expect(await emailsFor('u\u4e2d')).to.deep.equal(['u\u4e2da@x.io', 'u\u4e2d\u{1f600}@x.io']);
    expect(await emailsFor('w\u{10ffff}')).to.deep.equal(['w\u{10ffff}@x.io', 'w\u{10ffff}\u{10ffff}@x.io']);
    expect(await emailsFor('w\u{10ffff}\u{10ffff}')).to.deep.equal(['w\u{10ffff}\u{10ffff}@x.io']);
    expect(await emailsFor('x\u{10ffff}')).to.deep.equal(['x\u{10ffff}@x.io']);
  });

  it('combines a filter with paging and never returns more than the limit', async () => {
    const start = Date.now();
    const clients = Array.from({ length: 6 }, (_, i) => aClient({ id: newId(start + i), email: `${i % 2 ? 'odd' : 'even'}${i}@x.io` }));
    for (const client of clients) await store.insert(client);
    const evens = clients.filter((_, i) => i % 2 === 0);
    const first = await store.list({ emailPrefix: 'even', limit: 2 });
    expect(ids(first)).to.deep.equal(ids(evens.slice(0, 2)));
    const rest = await store.list({ emailPrefix: 'even', afterId: first[1]!.id, limit: 2 });
    expect(ids(rest)).to.deep.equal(ids(evens.slice(2)));
  });

  it('refuses a client whose email reads as a stored one’s, with DuplicateKeyError, and keeps distinct ASCII addresses apart', async () => {
    const tag = `${++sequence}`;
    await store.insert(aClient({ email: `admin${tag}@example.com` }));
    for (const lookAlike of [`\u0251dmin${tag}@example.com`, `adm\u0131n${tag}@example.com`, `\u1d00dmin${tag}@example.com`, `admi\u1e45${tag}@example.com`]) {
      await expectDuplicate(store.insert(aClient({ email: lookAlike })));
      expect(await store.findByEmail(lookAlike), lookAlike).to.equal(null);
    }
    for (const distinct of [`adrnin${tag}@example.com`, `adm1n${tag}@example.com`]) await store.insert(aClient({ email: distinct }));
  });

  it('gives exactly one success among 20 concurrent inserts of emails that read alike', async () => {
    const tag = `${++sequence}`;
    const spellings = ['p', 'p'].flatMap(() => [`paypal${tag}`, `p\u0251ypal${tag}`, `pay\u0440al${tag}`, `p\u0251yp\u0251l${tag}`, `pa\u028fpal${tag}`]);
    const results = await Promise.allSettled([...spellings, ...spellings].map((local) => store.insert(aClient({ email: `${local}@example.com` }))));
    expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).to.be.instanceOf(DuplicateKeyError);
  });

  it('refuses to change an email into a look-alike of another client’s, and changes nothing', async () => {
    const tag = `${++sequence}`;
    await store.insert(aClient({ email: `root${tag}@example.com` }));
    const other = aClient({ email: `other${tag}@example.com` });
    await store.insert(other);
    await expectDuplicate(store.update(other.id, { email: `r\u1d0f\u1d0ft${tag}@example.com` }).then(() => undefined));
    expect((await store.findById(other.id))!.email).to.equal(other.email);
    await store.update(other.id, { email: `renamed${tag}@example.com` });
    await expectDuplicate(store.insert(aClient({ email: `r\u0435named${tag}@example.com` })));
  });

  it('fills the skeletons of clients an earlier release stored: their look-alikes are refused after, and two old look-alikes both keep working', async () => {
    const tag = `${++sequence}`;
    const holder = aClient({ email: `zoe${tag}@example.com` });
    await store.insert(holder);
    await forgetSkeletons();
    // Before skeletons, a look-alike could be stored beside it.
    const twin = aClient({ email: `zo\u00e9${tag}@example.com` });
    await store.insert(twin);
    await forgetSkeletons();
    expect(await fillSkeletons()).to.be.at.least(2);
    expect(await fillSkeletons()).to.equal(0);
    expect((await store.findById(holder.id))!.email).to.equal(holder.email);
    expect((await store.findById(twin.id))!.email).to.equal(twin.email);
    await store.update(twin.id, { firstName: 'Zoé' });
    await expectDuplicate(store.insert(aClient({ email: `z\u1d0fe${tag}@example.com` })));
  });

  it("records a service's last token issue only when the stored one is older than the bound, never going back, and never on a deleted client", async () => {
    const service = aClient({ kind: 'service', passwordHash: null, secretHash: 'ab'.repeat(32) });
    await store.insert(service);
    expect((await store.findById(service.id))!.lastTokenIssuedAt).to.equal(null);
    const t0 = Date.UTC(2026, 5, 1, 12);
    await store.recordTokenIssue(service.id, new Date(t0), new Date(t0 - 60_000));
    expect((await store.findById(service.id))!.lastTokenIssuedAt).to.deep.equal(new Date(t0));
    // Within the minute: no write.
    await store.recordTokenIssue(service.id, new Date(t0 + 30_000), new Date(t0 + 30_000 - 60_000));
    expect((await store.findById(service.id))!.lastTokenIssuedAt).to.deep.equal(new Date(t0));
    // A late writer with an older time does not move it back.
    await store.recordTokenIssue(service.id, new Date(t0 - 120_000), new Date(t0 - 180_000));
    expect((await store.findById(service.id))!.lastTokenIssuedAt).to.deep.equal(new Date(t0));
    // Past the minute: written; updatedAt stays.
    await store.recordTokenIssue(service.id, new Date(t0 + 61_000), new Date(t0 + 1_000));
    const after = (await store.findById(service.id))!;
    expect(after.lastTokenIssuedAt).to.deep.equal(new Date(t0 + 61_000));
    expect(after.updatedAt).to.deep.equal(service.updatedAt);
    expect((await store.list({ kind: 'service', limit: 10 })).find((client) => client.id === service.id)!.lastTokenIssuedAt).to.deep.equal(
      new Date(t0 + 61_000),
    );
    await store.markDeleted(service.id, { requestId: newId(), at: new Date(), by: service.id });
    await store.recordTokenIssue(service.id, new Date(t0 + 200_000), new Date(t0 + 140_000));
    expect((await store.listMarkedDeleted(10)).find((marked) => marked.client.id === service.id)!.client.lastTokenIssuedAt).to.deep.equal(
      new Date(t0 + 61_000),
    );
    await store.recordTokenIssue(newId(), new Date(t0), new Date(t0 - 60_000));
  });

  it('keeps the time an email was verified and filters by it', async () => {
    const verifiedAt = new Date(Date.UTC(2026, 5, 7, 8, 9, 10, 111));
    const unverified = aClient();
    const verified = aClient({ emailVerifiedAt: verifiedAt });
    const later = aClient();
    for (const client of [unverified, verified, later]) await store.insert(client);
    expect((await store.findById(verified.id))!.emailVerifiedAt).to.deep.equal(verifiedAt);
    expect((await store.findById(unverified.id))!.emailVerifiedAt).to.equal(null);
    const updated = await store.update(later.id, { emailVerifiedAt: verifiedAt });
    expect(updated!.emailVerifiedAt).to.deep.equal(verifiedAt);
    expect(ids(await store.list({ emailVerified: true, limit: 10 }))).to.deep.equal(ids([verified, later]));
    expect(ids(await store.list({ emailVerified: false, limit: 10 }))).to.deep.equal(ids([unverified]));
  });

  it('filters by group, alone and with the other filters, and pages through a group in both orders', async () => {
    const start = Date.now();
    const clients = Array.from({ length: 8 }, (_, i) =>
      aClient({
        id: newId(start + i),
        email: `${i % 2 ? 'odd' : 'even'}${i}@x.io`,
        groups: i % 3 === 0 ? ['user'] : ['user', 'ops', ...(i % 2 ? ['billing'] : [])],
        suspended: i === 4,
      }),
    );
    const service = aClient({ id: newId(start + 8), kind: 'service', groups: ['service', 'ops'] });
    for (const client of [service, ...clients].reverse()) await store.insert(client);
    const ops = [...clients.filter((_, i) => i % 3 !== 0), service];
    expect(ids(await store.list({ group: 'ops', limit: 20 }))).to.deep.equal(ids(ops));
    expect(ids(await store.list({ group: 'billing', limit: 20 }))).to.deep.equal(ids(clients.filter((_, i) => i % 3 !== 0 && i % 2 === 1)));
    expect(ids(await store.list({ group: 'ops', kind: 'service', limit: 20 }))).to.deep.equal(ids([service]));
    expect(ids(await store.list({ group: 'ops', kind: 'user', suspended: true, limit: 20 }))).to.deep.equal(ids([clients[4]!]));
    expect(ids(await store.list({ group: 'ops', emailPrefix: 'even', suspended: false, limit: 20 }))).to.deep.equal(ids([clients[2]!]));
    expect(ids(await store.list({ group: 'ops', emailVerified: true, limit: 20 }))).to.deep.equal([]);
    expect(ids(await store.list({ group: 'nobody', limit: 20 }))).to.deep.equal([]);

    for (const newestFirst of [false, true]) {
      const seen: string[] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await store.list({ group: 'ops', limit: 2, newestFirst, ...(afterId ? { afterId } : {}) });
        seen.push(...ids(page));
        if (page.length < 2) break;
        afterId = page[page.length - 1]!.id;
      }
      expect(seen).to.deep.equal(newestFirst ? ids(ops).reverse() : ids(ops));
    }
  });

  it('moves a client in and out of a group as its groups change, and leaves out one marked deleted or deleted', async () => {
    const [a, b] = [aClient(), aClient({ groups: ['user', 'ops'] })];
    for (const client of [a, b]) await store.insert(client);
    expect(ids(await store.list({ group: 'ops', limit: 10 }))).to.deep.equal(ids([b]));
    await store.update(a.id, { groups: ['user', 'ops'] });
    await store.update(b.id, { groups: ['user', 'billing'] });
    expect(ids(await store.list({ group: 'ops', limit: 10 }))).to.deep.equal(ids([a]));
    expect(ids(await store.list({ group: 'billing', limit: 10 }))).to.deep.equal(ids([b]));
    await store.update(a.id, { firstName: 'Grace' });
    expect(ids(await store.list({ group: 'ops', limit: 10 }))).to.deep.equal(ids([a]));
    await store.markDeleted(a.id, { requestId: newId(), at: new Date(), by: b.id });
    expect(await store.list({ group: 'ops', limit: 10 })).to.deep.equal([]);
    await store.delete(a.id);
    await store.delete(b.id);
    expect(await store.list({ group: 'billing', limit: 10 })).to.deep.equal([]);
    expect(await store.list({ group: 'user', limit: 10 })).to.deep.equal([]);
  });
}

describe('ClientStore contract', () => {
  describe('on SQLite (embedded)', () => {
    clientStoreContract(async () => {
      const sqlite = await openSqlite();
      return {
        store: new SqliteClientStore(sqlite.db),
        close: sqlite.close,
        forgetSkeletons: async () => void sqlite.db.prepare('UPDATE clients SET email_skeleton = NULL').run(),
        fillSkeletons: async () => fillEmailSkeletons(sqlite.db, silentLogger),
      };
    });
  });

  describe('on SQLite behind the in-process client-record cache (embedded)', () => {
    clientStoreContract(async () => {
      const sqlite = await openSqlite();
      return {
        store: new MemoryCachedClientStore(new SqliteClientStore(sqlite.db), { maxEntries: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000 }),
        close: sqlite.close,
        forgetSkeletons: async () => void sqlite.db.prepare('UPDATE clients SET email_skeleton = NULL').run(),
        fillSkeletons: async () => fillEmailSkeletons(sqlite.db, silentLogger),
      };
    });
  });

  describe('on FerretDB (MongoDB wire protocol)', () => {
    const openDatabase = ferretDatabases();
    clientStoreContract(async () => {
      const { db, close } = await openDatabase();
      const store = new MongoClientStore(db);
      await store.ensureIndexes();
      return {
        store,
        close,
        forgetSkeletons: async () => void (await db.collection('clients').updateMany({}, { $unset: { emailSkeleton: '' } })),
        fillSkeletons: () => store.fillEmailSkeletons(silentLogger),
      };
    });
  });

  describe('on FerretDB behind the client-record cache (Redis)', () => {
    const openDatabase = ferretDatabases();
    const openRedis = redisConnections();
    clientStoreContract(async () => {
      const { db, close } = await openDatabase();
      const inner = new MongoClientStore(db);
      await inner.ensureIndexes();
      const [redis, subscriber] = [await openRedis(), await openRedis({ subscriber: true })];
      const store = await CachedClientStore.start(inner, redis, subscriber, { maxEntries: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000 }, silentLogger);
      return {
        store,
        close: async () => {
          store.close();
          redis.disconnect();
          subscriber.disconnect();
          await close();
        },
        forgetSkeletons: async () => void (await db.collection('clients').updateMany({}, { $unset: { emailSkeleton: '' } })),
        fillSkeletons: () => inner.fillEmailSkeletons(silentLogger),
      };
    });
  });
});

describe('The in-process client-record cache (embedded)', () => {
  const limits = { maxEntries: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000 };
  let now = 0;

  async function cached() {
    const sqlite = await openSqlite();
    const store = new MemoryCachedClientStore(new SqliteClientStore(sqlite.db), limits, () => now);
    /** A change made behind the store, straight in the file (as another process could). */
    const behind = (id: string, name: string) => void sqlite.db.prepare('UPDATE clients SET name = ? WHERE id = ?').run(name, id);
    return { sqlite, store, behind };
  }

  it('answers a client it read from memory: SQLite is read once per client, not once per call', async () => {
    const { sqlite, store, behind } = await cached();
    try {
      const client = aClient({ kind: 'service', name: 'before' });
      await store.insert(client);
      expect((await store.findById(client.id))?.name).to.equal('before');
      behind(client.id, 'changed behind the cache');
      expect((await store.findById(client.id))?.name).to.equal('before');
    } finally {
      await sqlite.close();
    }
  });

  it('forgets a client at once when a change is made through it: a suspension, a new secret, a deletion', async () => {
    const { sqlite, store } = await cached();
    try {
      const client = aClient({ kind: 'service', secretHash: 'a'.repeat(64) });
      await store.insert(client);
      await store.findById(client.id);
      await store.update(client.id, { suspended: true, suspensionReason: 'leaked' });
      expect((await store.findById(client.id))?.suspended).to.equal(true);
      await store.update(client.id, { secretHash: 'b'.repeat(64) });
      expect((await store.findById(client.id))?.secretHash).to.equal('b'.repeat(64));
      await store.markDeleted(client.id, { requestId: newId(), at: new Date(), by: 'admin' });
      expect(await store.findById(client.id)).to.equal(null);
    } finally {
      await sqlite.close();
    }
  });

  it('reads a client again once its record is older than the age bound, so a change made behind it is seen', async () => {
    const { sqlite, store, behind } = await cached();
    try {
      now = 0;
      const client = aClient({ kind: 'service', name: 'before' });
      await store.insert(client);
      await store.findById(client.id);
      behind(client.id, 'after');
      now = limits.maxAgeMs;
      expect((await store.findById(client.id))?.name).to.equal('after');
    } finally {
      await sqlite.close();
    }
  });
});
