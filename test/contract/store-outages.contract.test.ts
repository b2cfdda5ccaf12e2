/**
 * Every store adapter reports its store being out of reach as the domain's UnavailableError,
 * so the transports need to know no driver: asserted with the connection closed under it.
 */
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { SqliteClientStore } from '../../src/adapters/embedded/sqlite-client-store.js';
import { openSqliteDatabase } from '../../src/adapters/embedded/sqlite-database.js';
import { SqliteOutbox } from '../../src/adapters/embedded/sqlite-outbox.js';
import { SqliteSessionStore } from '../../src/adapters/embedded/sqlite-session-store.js';
import { MongoClientStore } from '../../src/adapters/mongo/client-store.js';
import { MongoOutbox } from '../../src/adapters/mongo/outbox.js';
import { MongoSessionStore } from '../../src/adapters/mongo/session-store.js';
import type { ClientStore, Outbox } from '../../src/domain/clients/ports.js';
import { UnavailableError } from '../../src/domain/kernel/errors.js';
import { newId } from '../../src/domain/kernel/ids.js';
import type { SessionStore } from '../../src/domain/sessions/ports.js';
import { requireServices } from '../support/services.js';
import { openSqlite, uniqueName } from './backends.js';

interface Stores {
  clients: ClientStore;
  sessions: SessionStore;
  outbox: Outbox;
}

async function expectUnavailable(call: Promise<unknown>, what: string): Promise<void> {
  const error = await call.then(
    () => null,
    (rejection: unknown) => rejection,
  );
  expect(error, what).to.be.instanceOf(UnavailableError);
  expect((error as UnavailableError).reason).to.equal('UNAVAILABLE');
}

async function everyStoreFailsUnavailable(stores: Stores): Promise<void> {
  await expectUnavailable(stores.clients.findById(newId()), 'ClientStore.findById');
  await expectUnavailable(stores.clients.list({ limit: 10 }), 'ClientStore.list');
  await expectUnavailable(stores.sessions.findSession(newId()), 'SessionStore.findSession');
  await expectUnavailable(stores.sessions.revoke(newId(), new Date()), 'SessionStore.revoke');
  await expectUnavailable(stores.outbox.pending(10), 'Outbox.pending');
  await expectUnavailable(stores.outbox.backlog(), 'Outbox.backlog');
}

describe('Store outages', () => {
  it('on SQLite, a closed database makes every store answer UnavailableError', async () => {
    const backend = await openSqlite();
    const db = openSqliteDatabase(backend.dataDir);
    const stores = { clients: new SqliteClientStore(db), sessions: new SqliteSessionStore(db), outbox: new SqliteOutbox(db) };
    expect(await stores.clients.findById(newId())).to.equal(null);
    db.close();
    try {
      await everyStoreFailsUnavailable(stores);
    } finally {
      await backend.close();
    }
  });

  it('on FerretDB, a closed MongoClient makes every store answer UnavailableError', async function () {
    const { mongoUri } = requireServices(this);
    const client = new MongoClient(mongoUri, { retryWrites: false, serverSelectionTimeoutMS: 1000 });
    await client.connect();
    const db = client.db(uniqueName('outage'));
    const stores = { clients: new MongoClientStore(db), sessions: new MongoSessionStore(db), outbox: new MongoOutbox(db) };
    expect(await stores.clients.findById(newId())).to.equal(null);
    await db.dropDatabase();
    await client.close();
    await everyStoreFailsUnavailable(stores);
  });
});
