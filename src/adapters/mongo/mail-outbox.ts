import type { Collection, Db } from 'mongodb';
import type { MailOutbox, QueuedMail } from '../../domain/recovery/ports.js';
import { ensureIndexes } from './ensure-indexes.js';
import { isDuplicateKey } from './mongo-connect.js';
import { withMongoOutages } from './mongo-outages.js';

type MailDocument = Omit<QueuedMail, 'id'> & { _id: string };

/** Mail not yet sent, in the `mail_outbox` collection. */
export class MongoMailOutbox implements MailOutbox {
  private readonly collection: Collection<MailDocument>;

  constructor(db: Db) {
    this.collection = db.collection<MailDocument>('mail_outbox');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the mail outbox');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.collection, [{ key: { nextAttemptAt: 1 }, name: 'due' }]);
  }

  async add(mail: QueuedMail): Promise<void> {
    const { id, ...rest } = mail;
    try {
      await this.collection.insertOne({ _id: id, ...rest });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async due(now: Date, limit: number): Promise<QueuedMail[]> {
    const documents = await this.collection
      .find({ nextAttemptAt: { $lte: now } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return documents.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  async reschedule(id: string, attempts: number, nextAttemptAt: Date): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { attempts, nextAttemptAt } });
  }

  async remove(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }

  async deleteAllOfClient(clientId: string): Promise<void> {
    await this.collection.deleteMany({ clientId });
  }

  async backlog(): Promise<number> {
    return this.collection.countDocuments({});
  }
}
