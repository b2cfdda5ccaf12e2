import type { ClientMark, ListedClient, RevocationPersistence } from './memory-revocation-list.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Keeps the in-process revocation list in the `revoked_clients` and `revoked_sessions` tables. */
export class SqliteRevocationPersistence implements RevocationPersistence {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      clients: db.prepare<[number], { id: string; mark: string; until: number | null }>(
        'SELECT id, mark, until FROM revoked_clients WHERE until IS NULL OR until > ?',
      ),
      sessions: db.prepare<[number], { id: string; until: number }>('SELECT id, until FROM revoked_sessions WHERE until > ?'),
      putClient: db.prepare<[string, string, number | null]>(
        'INSERT INTO revoked_clients (id, mark, until) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET mark = excluded.mark, until = excluded.until',
      ),
      removeClient: db.prepare<[string]>('DELETE FROM revoked_clients WHERE id = ?'),
      putSession: db.prepare<[string, number]>(
        'INSERT INTO revoked_sessions (id, until) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET until = max(until, excluded.until)',
      ),
      sweepClients: db.prepare<[number]>('DELETE FROM revoked_clients WHERE until <= ?'),
      sweepSessions: db.prepare<[number]>('DELETE FROM revoked_sessions WHERE until <= ?'),
    };
  }

  load(now: number): { clients: Map<string, ListedClient>; sessions: Map<string, number> } {
    const clients = new Map<string, ListedClient>();
    for (const row of this.statements.clients.all(now)) {
      clients.set(row.id, { mark: row.mark as ClientMark, until: row.until ?? Number.POSITIVE_INFINITY });
    }
    const sessions = new Map<string, number>();
    for (const row of this.statements.sessions.all(now)) sessions.set(row.id, row.until);
    return { clients, sessions };
  }

  putClient(id: string, entry: ListedClient): void {
    this.statements.putClient.run(id, entry.mark, Number.isFinite(entry.until) ? entry.until : null);
  }

  removeClient(id: string): void {
    this.statements.removeClient.run(id);
  }

  putSession(id: string, until: number): void {
    this.statements.putSession.run(id, until);
  }

  sweep(now: number): void {
    this.statements.sweepClients.run(now);
    this.statements.sweepSessions.run(now);
  }
}
