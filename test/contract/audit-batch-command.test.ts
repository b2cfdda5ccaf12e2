/**
 * How many insert commands the audit trail sends MongoDB (FerretDB) for records that come
 * one by one, as a server's refreshes do, seen through the driver's command monitoring.
 * Every refresh records one; each insert command is a round trip and a commit of its own.
 */
import { expect } from 'chai';
import { type CommandStartedEvent, type CommandSucceededEvent, MongoClient } from 'mongodb';
import { MongoAuditLog } from '../../src/adapters/mongo/audit-log.js';
import { Audit } from '../../src/domain/audit/recorder.js';
import { silentLogger } from '../../src/domain/kernel/logger.js';
import { eventually } from '../support/eventually.js';
import { requireServices } from '../support/services.js';
import { uniqueName } from './backends.js';

describe('The audit trail on MongoDB (FerretDB), as the driver sends it', () => {
  let client: MongoClient | null = null;

  before(async function () {
    const { mongoUri } = requireServices(this);
    client = new MongoClient(mongoUri, { retryWrites: false, monitorCommands: true });
    await client.connect();
  });
  after(async () => {
    await client?.close();
  });

  it('writes the records that come while a batch is being written together in the next insert, not one insert each', async () => {
    const db = client!.db(uniqueName('audit_batches'));
    const audit = new Audit({ store: new MongoAuditLog(db), stream: null, log: silentLogger, queueMax: 100, retentionDays: 90 });
    const record = (actor: string) => audit.record({ type: 'token.refreshed', outcome: 'success', actor, target: actor });
    const inserts: number[] = [];
    const onStarted = (event: CommandStartedEvent) => {
      if (event.commandName !== 'insert' || event.databaseName !== db.databaseName) return;
      inserts.push((event.command['documents'] as unknown[]).length);
      // One record arrives while the first batch is on its way to the store...
      if (inserts.length === 1) record('second');
    };
    const onSucceeded = (event: CommandSucceededEvent) => {
      // ...and one just after it is stored, well within the time records gather.
      if (event.commandName === 'insert' && event.databaseName === db.databaseName && inserts.length === 1) setTimeout(() => record('third'), 5);
    };
    client!.on('commandStarted', onStarted);
    client!.on('commandSucceeded', onSucceeded);
    try {
      record('first');
      const stored = async () => (await db.collection('audit_events').countDocuments()) === 3;
      await eventually(stored, { timeoutMs: 5000, what: 'the three records to be stored' });
      const actors = (await db.collection('audit_events').find().sort({ _id: 1 }).toArray()).map((document) => document['actor']);
      expect(actors).to.deep.equal(['first', 'second', 'third']);
      // Before: [1, 1, 1], an insert for every record that did not find others gathering.
      expect(inserts).to.deep.equal([1, 2]);
    } finally {
      client!.off('commandStarted', onStarted);
      client!.off('commandSucceeded', onSucceeded);
      await audit.close();
      await db.dropDatabase();
    }
  });
});
