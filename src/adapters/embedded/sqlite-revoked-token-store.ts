import type { RevokedToken, RevokedTokenStore } from '../../domain/revocation/ports.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

interface RevokedTokenRow {
  kind: RevokedToken['kind'];
  token_id: string;
  revoked_at: number;
  expires_at: number;
}

/** Access tokens revoked one by one, and whole grants, in the `revoked_tokens` table; a read filters out what has expired, the sweep deletes it. */
export class SqliteRevokedTokenStore implements RevokedTokenStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    const live = 'SELECT kind, token_id, revoked_at, expires_at FROM revoked_tokens WHERE expires_at > ? AND revoked_at >= ? AND token_id > ?';
    this.statements = {
      record: db.prepare<[string, string, number, number]>(
        'INSERT INTO revoked_tokens (kind, token_id, revoked_at, expires_at) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (token_id) DO UPDATE SET kind = excluded.kind, revoked_at = excluded.revoked_at, expires_at = excluded.expires_at',
      ),
      live: db.prepare<[number, number, string, number], RevokedTokenRow>(`${live} ORDER BY token_id LIMIT ?`),
      sweep: db.prepare<[number]>('DELETE FROM revoked_tokens WHERE expires_at <= ?'),
    };
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the revoked token store');
  }

  async record(token: RevokedToken): Promise<void> {
    this.statements.record.run(token.kind, token.tokenId, token.revokedAt.getTime(), token.expiresAt.getTime());
  }

  async listLive(query: { now: Date; revokedSince?: Date; afterId?: string; limit: number }): Promise<RevokedToken[]> {
    const rows = this.statements.live.all(query.now.getTime(), query.revokedSince?.getTime() ?? Number.MIN_SAFE_INTEGER, query.afterId ?? '', query.limit);
    return rows.map((row) => ({ kind: row.kind, tokenId: row.token_id, revokedAt: new Date(row.revoked_at), expiresAt: new Date(row.expires_at) }));
  }

  async sweepExpired(now: Date): Promise<number> {
    return this.statements.sweep.run(now.getTime()).changes;
  }
}
