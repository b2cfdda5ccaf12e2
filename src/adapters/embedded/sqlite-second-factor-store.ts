import { DuplicateKeyError } from '../../domain/kernel/errors.js';
import type { PasskeyRecord, SecondFactorStore, TotpFactor } from '../../domain/second-factor/ports.js';
import { fromMillis, isPrimaryKeyViolation, type SqliteDatabase, toMillis } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

interface TotpRow {
  client_id: string;
  sealed_secret: string;
  recovery_hashes_json: string;
  created_at: number;
  confirmed_at: number | null;
}

interface PasskeyRow {
  id: string;
  client_id: string;
  public_key: string;
  counter: number;
  transports_json: string;
  name: string;
  backed_up: number;
  created_at: number;
  last_used_at: number | null;
}

/**
 * Second factors in `totp_factors` and `passkeys`; claims in `second_factor_claims`, whose
 * primary key lets one insert of each key succeed, whichever process makes it.
 */
export class SqliteSecondFactorStore implements SecondFactorStore {
  private readonly statements;
  private readonly deleteAll;

  constructor(db: SqliteDatabase) {
    this.statements = {
      saveTotp: db.prepare(
        `INSERT INTO totp_factors (client_id, sealed_secret, recovery_hashes_json, created_at, confirmed_at)
         VALUES (@client_id, @sealed_secret, @recovery_hashes_json, @created_at, @confirmed_at)
         ON CONFLICT (client_id) DO UPDATE SET sealed_secret = excluded.sealed_secret,
           recovery_hashes_json = excluded.recovery_hashes_json, created_at = excluded.created_at, confirmed_at = excluded.confirmed_at`,
      ),
      findTotp: db.prepare<[string], TotpRow>('SELECT * FROM totp_factors WHERE client_id = ?'),
      deleteTotp: db.prepare<[string]>('DELETE FROM totp_factors WHERE client_id = ?'),
      replaceRecoveryCodes: db.prepare<[string, string]>('UPDATE totp_factors SET recovery_hashes_json = ? WHERE client_id = ? AND confirmed_at IS NOT NULL'),
      addPasskey: db.prepare(
        `INSERT INTO passkeys (id, client_id, public_key, counter, transports_json, name, backed_up, created_at, last_used_at)
         VALUES (@id, @client_id, @public_key, @counter, @transports_json, @name, @backed_up, @created_at, @last_used_at)`,
      ),
      findPasskey: db.prepare<[string], PasskeyRow>('SELECT * FROM passkeys WHERE id = ?'),
      listPasskeys: db.prepare<[string], PasskeyRow>('SELECT * FROM passkeys WHERE client_id = ? ORDER BY created_at, id'),
      recordUse: db.prepare<[number, number, string]>('UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?'),
      renamePasskey: db.prepare<[string, string, string]>('UPDATE passkeys SET name = ? WHERE client_id = ? AND id = ?'),
      deletePasskey: db.prepare<[string, string]>('DELETE FROM passkeys WHERE client_id = ? AND id = ?'),
      deletePasskeys: db.prepare<[string]>('DELETE FROM passkeys WHERE client_id = ?'),
      deleteClaims: db.prepare<[string]>('DELETE FROM second_factor_claims WHERE client_id = ?'),
      claim: db.prepare<[string, string, number]>('INSERT INTO second_factor_claims (key, client_id, until) VALUES (?, ?, ?)'),
      sweep: db.prepare<[number]>('DELETE FROM second_factor_claims WHERE until < ?'),
      confirmedTotp: db
        .prepare<[string], string>('SELECT client_id FROM totp_factors WHERE confirmed_at IS NOT NULL AND client_id IN (SELECT value FROM json_each(?))')
        .pluck(),
      withPasskey: db.prepare<[string], string>('SELECT DISTINCT client_id FROM passkeys WHERE client_id IN (SELECT value FROM json_each(?))').pluck(),
    };
    this.deleteAll = db.transaction((clientId: string) => {
      this.statements.deleteTotp.run(clientId);
      this.statements.deletePasskeys.run(clientId);
      this.statements.deleteClaims.run(clientId);
    });
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the second-factor store');
  }

  async saveTotp(factor: TotpFactor): Promise<void> {
    this.statements.saveTotp.run({
      client_id: factor.clientId,
      sealed_secret: factor.sealedSecret,
      recovery_hashes_json: JSON.stringify(factor.recoveryCodeHashes),
      created_at: toMillis(factor.createdAt),
      confirmed_at: toMillis(factor.confirmedAt),
    });
  }

  async findTotp(clientId: string): Promise<TotpFactor | null> {
    const row = this.statements.findTotp.get(clientId);
    if (!row) return null;
    return {
      clientId: row.client_id,
      sealedSecret: row.sealed_secret,
      recoveryCodeHashes: JSON.parse(row.recovery_hashes_json) as string[],
      createdAt: fromMillis(row.created_at),
      confirmedAt: fromMillis(row.confirmed_at),
    };
  }

  async replaceRecoveryCodes(clientId: string, recoveryCodeHashes: string[]): Promise<boolean> {
    return this.statements.replaceRecoveryCodes.run(JSON.stringify(recoveryCodeHashes), clientId).changes === 1;
  }

  async deleteTotp(clientId: string): Promise<boolean> {
    return this.statements.deleteTotp.run(clientId).changes > 0;
  }

  async addPasskey(passkey: PasskeyRecord): Promise<void> {
    try {
      this.statements.addPasskey.run({
        id: passkey.id,
        client_id: passkey.clientId,
        public_key: passkey.publicKey,
        counter: passkey.counter,
        transports_json: JSON.stringify(passkey.transports),
        name: passkey.name,
        backed_up: passkey.backedUp ? 1 : 0,
        created_at: toMillis(passkey.createdAt),
        last_used_at: toMillis(passkey.lastUsedAt),
      });
    } catch (error) {
      if (isPrimaryKeyViolation(error)) throw new DuplicateKeyError('credential');
      throw error;
    }
  }

  async findPasskey(id: string): Promise<PasskeyRecord | null> {
    const row = this.statements.findPasskey.get(id);
    return row ? passkeyOf(row) : null;
  }

  async listPasskeys(clientId: string): Promise<PasskeyRecord[]> {
    return this.statements.listPasskeys.all(clientId).map(passkeyOf);
  }

  async recordPasskeyUse(id: string, counter: number, at: Date): Promise<void> {
    this.statements.recordUse.run(counter, toMillis(at), id);
  }

  async renamePasskey(clientId: string, id: string, name: string): Promise<boolean> {
    return this.statements.renamePasskey.run(name, clientId, id).changes === 1;
  }

  async deletePasskey(clientId: string, id: string): Promise<boolean> {
    return this.statements.deletePasskey.run(clientId, id).changes > 0;
  }

  async deleteAllOfClient(clientId: string): Promise<void> {
    this.deleteAll(clientId);
  }

  async claim(clientId: string, key: string, until: Date): Promise<boolean> {
    try {
      this.statements.claim.run(key, clientId, toMillis(until));
      return true;
    } catch (error) {
      if (isPrimaryKeyViolation(error)) return false;
      throw error;
    }
  }

  async sweepClaims(now: Date): Promise<number> {
    return this.statements.sweep.run(toMillis(now)).changes;
  }

  async haveFactor(clientIds: string[]): Promise<Set<string>> {
    const ids = JSON.stringify(clientIds);
    return new Set([...this.statements.confirmedTotp.all(ids), ...this.statements.withPasskey.all(ids)]);
  }
}

function passkeyOf(row: PasskeyRow): PasskeyRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    publicKey: row.public_key,
    counter: row.counter,
    transports: JSON.parse(row.transports_json) as string[],
    name: row.name,
    backedUp: row.backed_up === 1,
    createdAt: fromMillis(row.created_at),
    lastUsedAt: fromMillis(row.last_used_at),
  };
}
