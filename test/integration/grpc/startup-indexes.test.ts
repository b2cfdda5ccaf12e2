/**
 * The shared set-up's indexes at start-up (issue #33): a start asks each collection which
 * indexes it has and creates only the missing ones, so a restart on a database that has
 * them all creates none, and an index dropped while the service was stopped is back once
 * it starts again.
 */
import { expect } from 'chai';
import { type Db, MongoClient } from 'mongodb';
import { startTestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

/** The createIndexes commands FerretDB (or MongoDB) has served so far, as its serverStatus counts them. */
async function indexesCreated(db: Db): Promise<number> {
  const status = await db.admin().command({ serverStatus: 1 });
  const commands = (status['metrics']?.['commands'] ?? {}) as Record<string, { total: number }>;
  return Number(commands['createIndexes']?.total ?? 0);
}

/** Every collection's index names, by collection. */
async function indexNames(db: Db): Promise<Record<string, string[]>> {
  const names: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    names[name] = (await db.collection(name).listIndexes().toArray()).map((index) => String(index['name'])).sort();
  }
  return names;
}

describe('Start-up of the shared set-up: the indexes (FerretDB)', function () {
  this.timeout(60_000);

  let operator: MongoClient;

  before(async function () {
    operator = new MongoClient(requireServices(this).mongoUri);
    await operator.connect();
  });

  after(async () => {
    await operator?.close();
  });

  it('creates no index on a restart over a database that has them all', async function () {
    const env = testEnv(requireServices(this), 'startup_indexes_kept');
    await (await startTestServer(env)).close();
    const db = operator.db(env['DB_NAME']);
    const before = await indexNames(db);
    const createdBefore = await indexesCreated(db);
    await (await startTestServer(env)).close();
    expect(await indexesCreated(db), 'createIndexes commands sent by the restart').to.equal(createdBefore);
    expect(await indexNames(db)).to.deep.equal(before);
  });

  it('creates again, at the next start, an index dropped while the service was stopped', async function () {
    const env = testEnv(requireServices(this), 'startup_indexes_dropped');
    await (await startTestServer(env)).close();
    const db = operator.db(env['DB_NAME']);
    const before = await indexNames(db);
    // The operator's drop, between two starts.
    await db.collection('clients').dropIndex('email_unique');
    await db.collection('oidc_records').dropIndex('user_code');
    expect((await indexNames(db))['clients']).not.to.include('email_unique');
    await (await startTestServer(env)).close();
    expect(await indexNames(db)).to.deep.equal(before);
    const email = (await db.collection('clients').listIndexes().toArray()).find((index) => index['name'] === 'email_unique');
    expect(email, 'email_unique after the restart').to.include({ unique: true });
    expect(email?.['key']).to.deep.equal({ email: 1 });
  });

  it('starts two instances at once on an empty database: both list nothing, both create, both serve', async function () {
    const env = testEnv(requireServices(this), 'startup_indexes_together');
    const db = operator.db(env['DB_NAME']);
    await db.dropDatabase();
    const started = await Promise.allSettled([startTestServer(env), startTestServer(env)]);
    for (const outcome of started) if (outcome.status === 'fulfilled') await outcome.value.close();
    expect(started.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'started'))).to.deep.equal(['started', 'started']);
    const email = (await db.collection('clients').listIndexes().toArray()).find((index) => index['name'] === 'email_unique');
    expect(email, 'email_unique once both started').to.include({ unique: true });
  });
});
