import type { Collection, Db } from 'mongodb';
import { DuplicateKeyError } from '../../domain/kernel/errors.js';
import type { SigningKeyRecord, SigningKeyStore } from '../../domain/signing-keys/ports.js';
import { ensureIndexes } from './ensure-indexes.js';
import { isDuplicateKey } from './mongo-connect.js';

type SigningKeyDocument = Omit<SigningKeyRecord, 'kid'> & { _id: string };

/**
 * Signing keys in `signing_keys`, one document per key, keyed by kid. The unique index on
 * `generation` is the compare-and-set of rotation: an insert is atomic on MongoDB and
 * FerretDB alike, so exactly one instance stores each successor.
 */
export class MongoSigningKeyStore implements SigningKeyStore {
  private readonly keys: Collection<SigningKeyDocument>;

  constructor(private readonly db: Db) {
    this.keys = db.collection<SigningKeyDocument>('signing_keys');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.keys, [{ key: { generation: 1 }, name: 'generation', unique: true }]);
  }

  async list(): Promise<SigningKeyRecord[]> {
    const documents = await this.keys.find({}).sort({ generation: 1 }).toArray();
    return documents.map(({ _id, ...rest }) => ({ kid: _id, ...rest }));
  }

  async insert(key: SigningKeyRecord): Promise<void> {
    const { kid, ...rest } = key;
    try {
      await this.keys.insertOne({ _id: kid, ...rest });
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError('generation');
      throw error;
    }
  }

  async delete(kid: string): Promise<void> {
    await this.keys.deleteOne({ _id: kid });
  }

  /** The server's clock, as `hello` reports it (`localTime`; FerretDB has no `$$NOW`). */
  async now(): Promise<number> {
    const { localTime } = await this.db.command({ hello: 1 });
    if (!(localTime instanceof Date)) throw new Error('the database did not report its time (hello.localTime)');
    return localTime.getTime();
  }
}
