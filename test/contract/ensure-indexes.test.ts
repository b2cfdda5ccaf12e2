/**
 * The start's index check (src/adapters/mongo/ensure-indexes.ts) against FerretDB: an index
 * of the right name but other options is never taken as present, a collection not created
 * yet gets its indexes, and two instances starting at once on an empty database both start.
 */
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { ensureIndexes, type IndexSpec } from '../../src/adapters/mongo/ensure-indexes.js';
import { requireServices } from '../support/services.js';

describe('ensureIndexes (FerretDB)', function () {
  this.timeout(60_000);

  let client: MongoClient;
  const db = () => client.db(`ensure_indexes_${process.pid}`);

  before(async function () {
    client = new MongoClient(requireServices(this).mongoUri);
    await client.connect();
  });

  after(async () => {
    await client?.db(`ensure_indexes_${process.pid}`).dropDatabase();
    await client?.close();
  });

  const sparseUnique: IndexSpec = { key: { emailSkeleton: 1 }, unique: true, sparse: true, name: 'email_skeleton_unique' };

  it('creates the indexes of a collection that does not exist yet', async () => {
    const c = db().collection('not_yet');
    expect(await ensureIndexes(c, [sparseUnique])).to.deep.equal(['email_skeleton_unique']);
    const names = (await c.listIndexes().toArray()).map((index) => index['name']);
    expect(names).to.include('email_skeleton_unique');
  });

  it('lets two instances start at once on an empty database', async () => {
    for (let round = 0; round < 5; round++) {
      const c = db().collection(`race_${round}`);
      const specs: IndexSpec[] = [
        { key: { email: 1 }, unique: true, name: 'email_unique' },
        sparseUnique,
        { key: { kind: 1, suspended: 1 }, name: 'kind_suspended' },
      ];
      const results = await Promise.allSettled([ensureIndexes(c, specs), ensureIndexes(c, specs), ensureIndexes(c, specs)]);
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).to.deep.equal([]);
    }
  });

  it('refuses an index of the same name on another key', async () => {
    const c = db().collection('other_key');
    await c.createIndex({ email: 1 }, { name: 'email_skeleton_unique', unique: true });
    expect(await refusal(ensureIndexes(c, [sparseUnique])), 'the start refused').to.be.instanceOf(Error);
  });

  it('refuses an index of the same name that is not unique, rather than start without uniqueness', async () => {
    const c = db().collection('not_unique');
    await c.createIndex({ emailSkeleton: 1 }, { name: 'email_skeleton_unique' });
    const error = await refusal(ensureIndexes(c, [sparseUnique]));
    // FerretDB answers a createIndex of a same-named index with other options with success.
    expect(error, 'the start refused').to.be.instanceOf(Error);
    expect(String(error)).to.include('not_unique').and.include('email_skeleton_unique').and.include('unique');
    const index = (await c.listIndexes().toArray()).find((listed) => listed['name'] === 'email_skeleton_unique');
    expect(index, 'the index left as the operator made it').not.to.include({ unique: true });
  });
});

/** What the promise was refused with, or undefined when it was not. */
async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (caught) {
    return caught;
  }
}
