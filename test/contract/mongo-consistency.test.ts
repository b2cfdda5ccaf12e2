import { expect } from 'chai';
import type { MongoClient } from 'mongodb';
import { MongoClientStore } from '../../src/adapters/mongo/client-store.js';
import { connectMongo } from '../../src/adapters/mongo/mongo-connect.js';
import { newId } from '../../src/domain/kernel/ids.js';
import { recordingLogger } from '../support/server.js';
import { requireServices } from '../support/services.js';
import { uniqueName } from './backends.js';

describe('MongoDB consistency on a replica set, kept on FerretDB', () => {
  let client: MongoClient | undefined;
  after(async () => client?.close());

  it('writes with w: "majority", reads from the primary and retries writes, whatever the connection string asks', async function () {
    const { mongoUri } = requireServices(this);
    const lines: string[] = [];
    // An operator's URI asking for the opposite of each: the service's choices win.
    const uri = `${mongoUri}${mongoUri.includes('?') ? '&' : '?'}w=1&readPreference=secondaryPreferred&retryWrites=false`;
    const connected = await connectMongo({ uri, dbName: uniqueName('consistency'), socketTimeoutMs: 30_000 }, 5000, recordingLogger(lines));
    client = connected.client;
    const clients = connected.db.collection('clients');
    expect(clients.writeConcern?.w).to.equal('majority');
    expect(clients.readPreference?.mode).to.equal('primary');
    expect(client.options.retryWrites).to.equal(true);
    expect(lines.map((line) => JSON.parse(line) as { msg: string; topology: string }).find((line) => line.msg === 'connected to MongoDB')?.topology).to.equal(
      'single server',
    );

    // FerretDB takes all of it: a client written and read back through the store.
    const store = new MongoClientStore(connected.db);
    await store.ensureIndexes();
    const id = newId();
    const now = new Date();
    await store.insert({
      id,
      kind: 'user',
      email: `${id}@example.com`,
      firstName: '',
      lastName: '',
      phoneNumber: '',
      name: '',
      groups: ['user'],
      attributes: {},
      passwordHash: 'x',
      secretHash: null,
      suspended: false,
      suspensionReason: '',
      suspendedAt: null,
      suspendedBy: '',
      emailVerifiedAt: null,
      lastTokenIssuedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    expect((await store.findById(id))?.email).to.equal(`${id}@example.com`);
    await connected.db.dropDatabase();
  });
});
