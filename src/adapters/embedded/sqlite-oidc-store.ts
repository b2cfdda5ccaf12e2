import type { OidcRecord, OidcStore } from '../../domain/oidc/ports.js';
import { fromMillis, type SqliteDatabase, toMillis } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

interface RecordRow {
  model: string;
  id: string;
  payload_json: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

/** The OpenID Provider's records in the `oidc_records` table; a read filters out what has expired, the sweep deletes it. */
export class SqliteOidcStore implements OidcStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    const live = '(expires_at IS NULL OR expires_at > ?)';
    this.statements = {
      upsert: db.prepare(
        'INSERT OR REPLACE INTO oidc_records (model, id, payload_json, grant_id, uid, user_code, account_id, expires_at, consumed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      find: db.prepare<[string, string, number], RecordRow>(`SELECT * FROM oidc_records WHERE model = ? AND id = ? AND ${live}`),
      findByUid: db.prepare<[string, string, number], RecordRow>(`SELECT * FROM oidc_records WHERE model = ? AND uid = ? AND ${live} LIMIT 1`),
      findByUserCode: db.prepare<[string, string, number], RecordRow>(`SELECT * FROM oidc_records WHERE model = ? AND user_code = ? AND ${live} LIMIT 1`),
      consume: db.prepare<[number, string, string]>('UPDATE oidc_records SET consumed_at = COALESCE(consumed_at, ?) WHERE model = ? AND id = ?'),
      destroy: db.prepare<[string, string]>('DELETE FROM oidc_records WHERE model = ? AND id = ?'),
      revokeGrant: db.prepare<[string]>('DELETE FROM oidc_records WHERE grant_id = ?'),
      grantsOfAccount: db.prepare<[string], { grant_id: string }>('SELECT DISTINCT grant_id FROM oidc_records WHERE account_id = ? AND grant_id IS NOT NULL'),
      sweep: db.prepare<[number]>('DELETE FROM oidc_records WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    };
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the OpenID Provider store');
  }

  async upsert(record: OidcRecord): Promise<void> {
    this.statements.upsert.run(
      record.model,
      record.id,
      JSON.stringify(record.payload),
      record.grantId,
      record.uid,
      record.userCode,
      record.accountId,
      toMillis(record.expiresAt),
      toMillis(record.consumedAt),
    );
  }

  async find(model: string, id: string, now: Date): Promise<OidcRecord | null> {
    return recordOf(this.statements.find.get(model, id, now.getTime()));
  }

  async findByUid(model: string, uid: string, now: Date): Promise<OidcRecord | null> {
    return recordOf(this.statements.findByUid.get(model, uid, now.getTime()));
  }

  async findByUserCode(model: string, userCode: string, now: Date): Promise<OidcRecord | null> {
    return recordOf(this.statements.findByUserCode.get(model, userCode, now.getTime()));
  }

  async consume(model: string, id: string, at: Date): Promise<void> {
    this.statements.consume.run(at.getTime(), model, id);
  }

  async destroy(model: string, id: string): Promise<void> {
    this.statements.destroy.run(model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.statements.revokeGrant.run(grantId);
  }

  async grantIdsOfAccount(accountId: string): Promise<string[]> {
    return this.statements.grantsOfAccount.all(accountId).map((row) => row.grant_id);
  }

  async sweepExpired(now: Date): Promise<number> {
    return this.statements.sweep.run(now.getTime()).changes;
  }
}

function recordOf(row: RecordRow | undefined): OidcRecord | null {
  if (!row) return null;
  return {
    model: row.model,
    id: row.id,
    payload: JSON.parse(row.payload_json) as Record<string, unknown>,
    grantId: row.grant_id,
    uid: row.uid,
    userCode: row.user_code,
    accountId: row.account_id,
    expiresAt: fromMillis(row.expires_at),
    consumedAt: fromMillis(row.consumed_at),
  };
}
