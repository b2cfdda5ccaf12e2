import type { RefreshTokenRecord, SessionActivity, SessionRecord, SessionStore, TokenForRotation } from '../../domain/sessions/ports.js';
import { fromMillis, isUniqueViolation, type SqliteDatabase, toMillis } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

interface SessionRow {
  id: string;
  client_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  amr_json: string | null;
  user_agent: string | null;
  client_ip: string | null;
}

interface NewestTokenRow {
  session_id: string;
  created_at: number;
  user_agent: string | null;
  client_ip: string | null;
}

interface TokenRow {
  hash: string;
  session_id: string;
  client_id: string;
  parent: string;
  created_at: number;
  expires_at: number;
  sealed_answer: string | null;
  user_agent: string | null;
  client_ip: string | null;
}

/**
 * Sessions in `sessions`, refresh tokens in `refresh_tokens` keyed by their hash. The
 * UNIQUE constraint on `parent` lets each token have one successor only: rotation is a
 * single insert, and the loser of a race gets a constraint failure, whichever process it
 * runs in. Retired tokens stay until their session expires, so a token of any age that
 * comes back is recognised as reuse.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly statements;
  private readonly createBoth;
  private readonly deleteBoth;
  private readonly readLive;

  constructor(db: SqliteDatabase) {
    this.statements = {
      insertSession: db.prepare(
        'INSERT INTO sessions (id, client_id, created_at, expires_at, revoked_at, amr_json, user_agent, client_ip) ' +
          'VALUES (@id, @client_id, @created_at, @expires_at, @revoked_at, @amr_json, @user_agent, @client_ip)',
      ),
      insertToken: db.prepare(
        'INSERT INTO refresh_tokens (hash, session_id, client_id, parent, created_at, expires_at, sealed_answer, user_agent, client_ip) ' +
          'VALUES (@hash, @session_id, @client_id, @parent, @created_at, @expires_at, @sealed_answer, @user_agent, @client_ip)',
      ),
      session: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
      token: db.prepare<[string], TokenRow>('SELECT * FROM refresh_tokens WHERE hash = ?'),
      tokenAndSuccessor: db.prepare<[string, string], TokenRow>('SELECT * FROM refresh_tokens WHERE hash = ? OR parent = ?'),
      hasSuccessor: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM refresh_tokens WHERE parent = ? LIMIT 1'),
      revoke: db.prepare<[number, string]>('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      revokeLiveOfClient: db
        .prepare<[number, string, number, string | null], string>(
          'UPDATE sessions SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL AND expires_at > ? AND id IS NOT ? RETURNING id',
        )
        .pluck(),
      deleteTokensOfClient: db.prepare<[string]>('DELETE FROM refresh_tokens WHERE client_id = ?'),
      deleteSessionsOfClient: db.prepare<[string]>('DELETE FROM sessions WHERE client_id = ?'),
      deleteExpiredTokens: db.prepare<[number]>('DELETE FROM refresh_tokens WHERE expires_at <= ?'),
      deleteExpiredSessions: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
      liveOfClient: db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE client_id = ? AND revoked_at IS NULL AND expires_at > ?'),
      // SQLite takes the bare columns of a MAX() aggregate from the row holding the maximum:
      // the newest token of each session, read through the client index in one pass.
      newestTokens: db.prepare<[string, number], NewestTokenRow>(
        'SELECT session_id, MAX(created_at) AS created_at, user_agent, client_ip FROM refresh_tokens WHERE client_id = ? AND expires_at > ? GROUP BY session_id',
      ),
      revokedAfter: db.prepare<[number, string, number], SessionRow>('SELECT * FROM sessions WHERE revoked_at > ? AND id > ? ORDER BY id LIMIT ?'),
    };
    this.createBoth = db.transaction((session: SessionRow, token: TokenRow) => {
      this.statements.insertSession.run(session);
      this.statements.insertToken.run(token);
    });
    this.deleteBoth = db.transaction((clientId: string) => {
      this.statements.deleteTokensOfClient.run(clientId);
      this.statements.deleteSessionsOfClient.run(clientId);
    });
    // One snapshot: a session and its newest token as they were at one moment.
    this.readLive = db.transaction((clientId: string, now: number) => ({
      sessions: this.statements.liveOfClient.all(clientId, now),
      newest: this.statements.newestTokens.all(clientId, now),
    }));
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the session store');
  }

  async create(session: SessionRecord, firstToken: RefreshTokenRecord): Promise<void> {
    this.createBoth(
      {
        id: session.id,
        client_id: session.clientId,
        created_at: toMillis(session.createdAt),
        expires_at: toMillis(session.expiresAt),
        revoked_at: toMillis(session.revokedAt),
        amr_json: session.amr ? JSON.stringify(session.amr) : null,
        user_agent: session.userAgent ?? null,
        client_ip: session.clientIp ?? null,
      },
      tokenRow(firstToken),
    );
  }

  async findSession(id: string): Promise<SessionRecord | null> {
    const row = this.statements.session.get(id);
    return row ? sessionRecord(row) : null;
  }

  async findToken(hash: string): Promise<RefreshTokenRecord | null> {
    const row = this.statements.token.get(hash);
    return row ? tokenRecord(row) : null;
  }

  async findForRotation(hash: string): Promise<TokenForRotation | null> {
    const rows = this.statements.tokenAndSuccessor.all(hash, hash);
    const token = rows.find((row) => row.hash === hash);
    if (!token) return null;
    const successor = rows.find((row) => row.parent === hash);
    return { token: tokenRecord(token), successor: successor ? tokenRecord(successor) : null };
  }

  async isRetired(hash: string): Promise<boolean> {
    return this.statements.hasSuccessor.get(hash) !== undefined;
  }

  async rotate(parentHash: string, next: RefreshTokenRecord): Promise<boolean> {
    try {
      this.statements.insertToken.run(tokenRow({ ...next, parent: parentHash }));
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async revoke(sessionId: string, at: Date): Promise<void> {
    this.statements.revoke.run(toMillis(at), sessionId);
  }

  async revokeAllOfClient(clientId: string, at: Date, exceptSessionId?: string): Promise<string[]> {
    const millis = toMillis(at);
    return this.statements.revokeLiveOfClient.all(millis, clientId, millis, exceptSessionId ?? null);
  }

  async listLive(clientId: string, now: Date): Promise<SessionActivity[]> {
    const { sessions, newest } = this.readLive(clientId, toMillis(now));
    const newestOf = new Map(newest.map((row) => [row.session_id, row]));
    return sessions.map((row) => {
      const session = sessionRecord(row);
      const token = newestOf.get(row.id);
      return {
        session,
        lastUsedAt: token ? fromMillis(token.created_at) : session.createdAt,
        userAgent: token?.user_agent ?? session.userAgent ?? '',
        clientIp: token?.client_ip ?? session.clientIp ?? '',
      };
    });
  }

  async deleteAllOfClient(clientId: string): Promise<void> {
    this.deleteBoth(clientId);
  }

  async sweepExpired(now: Date): Promise<number> {
    const millis = toMillis(now);
    this.statements.deleteExpiredTokens.run(millis);
    return this.statements.deleteExpiredSessions.run(millis).changes;
  }

  async listRevoked(query: { revokedAfter: Date; afterId?: string; limit: number }): Promise<SessionRecord[]> {
    return this.statements.revokedAfter.all(toMillis(query.revokedAfter), query.afterId ?? '', query.limit).map(sessionRecord);
  }
}

function sessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    revokedAt: fromMillis(row.revoked_at),
    ...(row.amr_json === null ? {} : { amr: JSON.parse(row.amr_json) as SessionRecord['amr'] }),
    ...deviceOf(row),
  };
}

function tokenRow(token: RefreshTokenRecord): TokenRow {
  return {
    hash: token.hash,
    session_id: token.sessionId,
    client_id: token.clientId,
    parent: token.parent,
    created_at: toMillis(token.createdAt),
    expires_at: toMillis(token.expiresAt),
    sealed_answer: token.sealedAnswer ?? null,
    user_agent: token.userAgent ?? null,
    client_ip: token.clientIp ?? null,
  };
}

function tokenRecord(row: TokenRow): RefreshTokenRecord {
  return {
    hash: row.hash,
    sessionId: row.session_id,
    clientId: row.client_id,
    parent: row.parent,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    ...(row.sealed_answer === null ? {} : { sealedAnswer: row.sealed_answer }),
    ...deviceOf(row),
  };
}

/** The user agent and client IP a row recorded; none on rows of earlier releases. */
function deviceOf(row: { user_agent: string | null; client_ip: string | null }): { userAgent?: string; clientIp?: string } {
  return {
    ...(row.user_agent === null ? {} : { userAgent: row.user_agent }),
    ...(row.client_ip === null ? {} : { clientIp: row.client_ip }),
  };
}
