import type { OneTimeTokenRecord, OneTimeTokenStore, TokenPurpose } from '../../domain/recovery/ports.js';
import { fromMillis, type SqliteDatabase, toMillis } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

interface TokenRow {
  hash: string;
  client_id: string;
  purpose: string;
  created_at: number;
  expires_at: number;
}

/** One-time tokens in the `one_time_tokens` table; DELETE ... RETURNING hands a token to exactly one caller. */
export class SqliteOneTimeTokenStore implements OneTimeTokenStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      insert: db.prepare('INSERT INTO one_time_tokens (hash, client_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      find: db.prepare<[string, string], TokenRow>('SELECT * FROM one_time_tokens WHERE hash = ? AND purpose = ?'),
      consume: db.prepare<[string, string], TokenRow>('DELETE FROM one_time_tokens WHERE hash = ? AND purpose = ? RETURNING *'),
      deleteOfClient: db.prepare<[string]>('DELETE FROM one_time_tokens WHERE client_id = ?'),
      deleteOfClientPurpose: db.prepare<[string, string]>('DELETE FROM one_time_tokens WHERE client_id = ? AND purpose = ?'),
      sweep: db.prepare<[number]>('DELETE FROM one_time_tokens WHERE expires_at <= ?'),
    };
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the one-time token store');
  }

  async add(token: OneTimeTokenRecord): Promise<void> {
    this.statements.insert.run(token.hash, token.clientId, token.purpose, toMillis(token.createdAt), toMillis(token.expiresAt));
  }

  async find(hash: string, purpose: TokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
    return liveToken(this.statements.find.get(hash, purpose), now);
  }

  async consume(hash: string, purpose: TokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
    return liveToken(this.statements.consume.get(hash, purpose), now);
  }

  async deleteAllOfClient(clientId: string, purpose?: TokenPurpose): Promise<void> {
    if (purpose === undefined) this.statements.deleteOfClient.run(clientId);
    else this.statements.deleteOfClientPurpose.run(clientId, purpose);
  }

  async sweepExpired(now: Date): Promise<number> {
    return this.statements.sweep.run(now.getTime()).changes;
  }
}

/** The row as a token, unless it is missing or expired at `now`. */
function liveToken(row: TokenRow | undefined, now: Date): OneTimeTokenRecord | null {
  if (!row || row.expires_at <= now.getTime()) return null;
  return {
    hash: row.hash,
    clientId: row.client_id,
    purpose: row.purpose as TokenPurpose,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
  };
}
