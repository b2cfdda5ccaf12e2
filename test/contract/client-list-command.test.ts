/**
 * What the MongoDB adapter's ClientStore.list sends and gets back, seen through the
 * driver's command monitoring: one find with the page's filter, sorted on _id, limited to
 * the page (page size + 1), and no more documents than that returned to the service, in
 * one reply that closes the cursor. FerretDB v1.24's own cost (it reads, filters and sorts
 * the whole collection for any filter or sort) is in docs/benchmarks.md.
 */
import { expect } from 'chai';
import { type CommandStartedEvent, type CommandSucceededEvent, MongoClient } from 'mongodb';
import { MongoClientStore } from '../../src/adapters/mongo/client-store.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { requireServices } from '../support/services.js';
import { uniqueName } from './backends.js';
import { aClientRecord } from './store-fixtures.js';

describe('The client list on MongoDB (FerretDB), as the driver sends and receives it', () => {
  let client: MongoClient | null = null;
  const started: CommandStartedEvent[] = [];
  const succeeded: CommandSucceededEvent[] = [];

  before(async function () {
    const { mongoUri } = requireServices(this);
    client = new MongoClient(mongoUri, { retryWrites: false, monitorCommands: true });
    client.on('commandStarted', (event) => started.push(event));
    client.on('commandSucceeded', (event) => succeeded.push(event));
    await client.connect();
  });
  after(async () => {
    await client?.close();
  });

  it('sends one find per page, limited to the page and sorted on _id, and receives at most the page', async () => {
    const db = client!.db(uniqueName('list_command'));
    try {
      const store = new MongoClientStore(db);
      await store.ensureIndexes();
      const start = Date.now();
      for (let i = 0; i < 120; i++) await store.insert(aClientRecord({ id: newId(start + i), email: `listed${i}@example.com` }));
      const queries = [
        { limit: 51 },
        { limit: 51, newestFirst: true, afterId: newId(start + 100) },
        { limit: 51, kind: 'user' as const, suspended: false, emailPrefix: 'listed1' },
        { limit: 51, group: 'user', emailVerified: false },
      ];
      for (const query of queries) {
        started.length = 0;
        succeeded.length = 0;
        const page = await store.list(query);
        expect(page).to.have.length.at.most(51);
        const commands = started.map((event) => event.commandName);
        expect(commands, JSON.stringify(query)).to.deep.equal(['find']);
        const find = started[0]!.command;
        expect(find.limit).to.equal(51);
        // The driver sends the sort as a Map.
        expect(Object.fromEntries(find.sort instanceof Map ? find.sort : Object.entries(find.sort))).to.deep.equal({ _id: query.newestFirst ? -1 : 1 });
        expect(find.filter.deletion).to.deep.equal({ $exists: false });
        const reply = succeeded[0]!.reply as { cursor: { id: unknown; firstBatch: unknown[] } };
        expect(reply.cursor.firstBatch).to.have.length(page.length);
        // The cursor is exhausted by the one reply: no getMore, no killCursors left to send.
        expect(String(reply.cursor.id)).to.equal('0');
      }
    } finally {
      await db.dropDatabase();
    }
  });
});
