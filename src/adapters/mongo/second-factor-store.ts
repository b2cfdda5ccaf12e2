import type { Collection, Db } from 'mongodb';
import { DuplicateKeyError } from '../../domain/kernel/errors.js';
import type { PasskeyRecord, SecondFactorStore, TotpFactor } from '../../domain/second-factor/ports.js';
import { ensureIndexes } from './ensure-indexes.js';
import { isDuplicateKey } from './mongo-connect.js';
import { withMongoOutages } from './mongo-outages.js';

type TotpDocument = Omit<TotpFactor, 'clientId'> & { _id: string };
type PasskeyDocument = Omit<PasskeyRecord, 'id'> & { _id: string };
interface ClaimDocument {
  _id: string;
  clientId: string;
  until: Date;
}

/**
 * Second factors in `totp_factors` (by client id) and `passkeys` (by credential id); claims
 * in `second_factor_claims`, keyed by `_id`, whose uniqueness makes each claim an atomic
 * insert on MongoDB and FerretDB alike.
 */
export class MongoSecondFactorStore implements SecondFactorStore {
  private readonly totp: Collection<TotpDocument>;
  private readonly passkeys: Collection<PasskeyDocument>;
  private readonly claims: Collection<ClaimDocument>;

  constructor(db: Db) {
    this.totp = db.collection<TotpDocument>('totp_factors');
    this.passkeys = db.collection<PasskeyDocument>('passkeys');
    this.claims = db.collection<ClaimDocument>('second_factor_claims');
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withMongoOutages(this, 'the second-factor store');
  }

  /** Creates the indexes missing (ensure-indexes.ts): none on a start over a database that has them. */
  async ensureIndexes(): Promise<void> {
    await Promise.all([
      ensureIndexes(this.passkeys, [{ key: { clientId: 1 }, name: 'client' }]),
      ensureIndexes(this.claims, [{ key: { clientId: 1 }, name: 'client' }]),
    ]);
  }

  async saveTotp(factor: TotpFactor): Promise<void> {
    const { clientId, ...rest } = factor;
    await this.totp.replaceOne({ _id: clientId }, rest, { upsert: true });
  }

  async findTotp(clientId: string): Promise<TotpFactor | null> {
    const document = await this.totp.findOne({ _id: clientId });
    if (!document) return null;
    const { _id, ...rest } = document;
    return { clientId: _id, ...rest };
  }

  async replaceRecoveryCodes(clientId: string, recoveryCodeHashes: string[]): Promise<boolean> {
    const result = await this.totp.updateOne({ _id: clientId, confirmedAt: { $ne: null } }, { $set: { recoveryCodeHashes } });
    return result.matchedCount === 1;
  }

  async deleteTotp(clientId: string): Promise<boolean> {
    return (await this.totp.deleteOne({ _id: clientId })).deletedCount === 1;
  }

  async addPasskey(passkey: PasskeyRecord): Promise<void> {
    const { id, ...rest } = passkey;
    try {
      await this.passkeys.insertOne({ _id: id, ...rest });
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError('credential');
      throw error;
    }
  }

  async findPasskey(id: string): Promise<PasskeyRecord | null> {
    return passkeyOf(await this.passkeys.findOne({ _id: id }));
  }

  async listPasskeys(clientId: string): Promise<PasskeyRecord[]> {
    const documents = await this.passkeys.find({ clientId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return documents.map((document) => passkeyOf(document)!);
  }

  async recordPasskeyUse(id: string, counter: number, at: Date): Promise<void> {
    await this.passkeys.updateOne({ _id: id }, { $set: { counter, lastUsedAt: at } });
  }

  async renamePasskey(clientId: string, id: string, name: string): Promise<boolean> {
    return (await this.passkeys.updateOne({ _id: id, clientId }, { $set: { name } })).matchedCount === 1;
  }

  async deletePasskey(clientId: string, id: string): Promise<boolean> {
    return (await this.passkeys.deleteOne({ _id: id, clientId })).deletedCount === 1;
  }

  async deleteAllOfClient(clientId: string): Promise<void> {
    await this.totp.deleteOne({ _id: clientId });
    await this.passkeys.deleteMany({ clientId });
    await this.claims.deleteMany({ clientId });
  }

  async claim(clientId: string, key: string, until: Date): Promise<boolean> {
    try {
      await this.claims.insertOne({ _id: key, clientId, until });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async sweepClaims(now: Date): Promise<number> {
    return (await this.claims.deleteMany({ until: { $lt: now } })).deletedCount;
  }

  async haveFactor(clientIds: string[]): Promise<Set<string>> {
    if (clientIds.length === 0) return new Set();
    const [totp, passkeys] = await Promise.all([
      this.totp.find({ _id: { $in: clientIds }, confirmedAt: { $ne: null } }, { projection: { _id: 1 } }).toArray(),
      this.passkeys.find({ clientId: { $in: clientIds } }, { projection: { clientId: 1 } }).toArray(),
    ]);
    return new Set([...totp.map((document) => document._id), ...passkeys.map((document) => document.clientId)]);
  }
}

function passkeyOf(document: PasskeyDocument | null): PasskeyRecord | null {
  if (!document) return null;
  const { _id, ...rest } = document;
  return { id: _id, ...rest };
}
