/**
 * What a test server has stored, read straight from its database (not through the
 * service), with one interface for both set-ups so an end-to-end suite asserts the same
 * stored state on FerretDB and on SQLite.
 */
import type { Db } from 'mongodb';
import { SqliteClientStore } from '../../src/adapters/embedded/sqlite-client-store.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/adapters/embedded/sqlite-database.js';
import type { ClientRecord } from '../../src/domain/kernel/client.js';

export type StoredClientChanges = Partial<Omit<ClientRecord, 'id' | 'kind' | 'createdAt'>>;

export interface StoredState {
  /** The client as stored, hashes included; null when none has the id. */
  client(id: string): Promise<ClientRecord | null>;
  /**
   * Changes a stored client directly, around the service's rules (e.g. to make an admin),
   * and on the shared set-up names it on the client-change channel, as an operator who
   * edits MongoDB by hand does so that the instances forget their copy (docs/operations.md).
   */
  updateClient(id: string, changes: StoredClientChanges): Promise<void>;
  /** How many clients are stored, or how many with this email. */
  countClients(filter?: { email?: string }): Promise<number>;
  /** How many refresh tokens have this hash, or this parent (i.e. replaced the token with that hash). */
  countRefreshTokens(filter: { hash: string } | { parent: string }): Promise<number>;
  /** Every stored refresh-token row as JSON: what a copy of the database would reveal. */
  dumpRefreshTokens(): Promise<string>;
  /** How many rows the sessions take: sessions, refresh tokens and rotation claims (the shared set-up keeps those apart). */
  sessionRows(): Promise<{ sessions: number; refreshTokens: number; rotations: number }>;
  /** Removes every client's email skeleton, as the rows of a release before them are. */
  forgetEmailSkeletons(): Promise<void>;
  /** The stored one-time tokens (reset and verification) of a client, as raw rows. */
  oneTimeTokensOf(clientId: string): Promise<Record<string, unknown>[]>;
  /** Every message waiting in the mail outbox, as raw rows in JSON: what a copy of the database would reveal. */
  dumpMailOutbox(): Promise<string>;
  /** Moves the sign-in time of every session of a client `ms` into the past, as if it signed in that much earlier. */
  backdateSessionsOf(clientId: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Stored state in MongoDB/FerretDB, from the raw collections. */
export function mongoStoredState(db: Db, announce: (clientId: string) => Promise<unknown> = async () => {}): StoredState {
  const clients = db.collection('clients');
  const tokens = db.collection('refresh_tokens');
  return {
    async client(id) {
      const document = await clients.findOne({ _id: id as never });
      if (!document) return null;
      const { _id, ...rest } = document;
      return { id: _id as unknown as string, ...rest } as ClientRecord;
    },
    async updateClient(id, changes) {
      await clients.updateOne({ _id: id as never }, { $set: changes });
      await announce(id);
    },
    countClients: (filter = {}) => clients.countDocuments(filter.email === undefined ? {} : { email: filter.email }),
    countRefreshTokens: (filter) => tokens.countDocuments('hash' in filter ? { _id: filter.hash as never } : { parent: filter.parent }),
    dumpRefreshTokens: async () => JSON.stringify(await tokens.find().toArray()),
    sessionRows: async () => ({
      sessions: await db.collection('sessions').countDocuments(),
      refreshTokens: await tokens.countDocuments(),
      rotations: await db.collection('refresh_token_rotations').countDocuments(),
    }),
    async forgetEmailSkeletons() {
      await clients.updateMany({}, { $unset: { emailSkeleton: '' } });
    },
    oneTimeTokensOf: (clientId) => db.collection('one_time_tokens').find({ clientId }).toArray(),
    dumpMailOutbox: async () => JSON.stringify(await db.collection('mail_outbox').find().toArray()),
    async backdateSessionsOf(clientId, ms) {
      const sessions = db.collection<{ _id: string; createdAt: Date }>('sessions');
      for (const session of await sessions.find({ clientId }).toArray()) {
        await sessions.updateOne({ _id: session._id }, { $set: { createdAt: new Date(session.createdAt.getTime() - ms) } });
      }
    },
    close: async () => {},
  };
}

/**
 * Stored state in the embedded set-up's SQLite file, on a connection of its own. A client
 * changed here is then forgotten by the service's client-record cache (`forget`), as a
 * change made through the service would be.
 */
export function sqliteStoredState(dataDir: string, forget: (clientId: string) => void = () => {}): StoredState {
  const db: SqliteDatabase = openSqliteDatabase(dataDir);
  const clients = new SqliteClientStore(db);
  return {
    client: (id) => clients.findById(id),
    async updateClient(id, changes) {
      await clients.update(id, changes);
      forget(id);
    },
    async countClients(filter = {}) {
      return filter.email === undefined
        ? (db.prepare('SELECT count(*) FROM clients').pluck().get() as number)
        : (db.prepare('SELECT count(*) FROM clients WHERE email = ?').pluck().get(filter.email) as number);
    },
    async countRefreshTokens(filter) {
      return 'hash' in filter
        ? (db.prepare('SELECT count(*) FROM refresh_tokens WHERE hash = ?').pluck().get(filter.hash) as number)
        : (db.prepare('SELECT count(*) FROM refresh_tokens WHERE parent = ?').pluck().get(filter.parent) as number);
    },
    dumpRefreshTokens: async () => JSON.stringify(db.prepare('SELECT * FROM refresh_tokens').all()),
    sessionRows: async () => ({
      sessions: db.prepare('SELECT count(*) FROM sessions').pluck().get() as number,
      refreshTokens: db.prepare('SELECT count(*) FROM refresh_tokens').pluck().get() as number,
      rotations: 0,
    }),
    async forgetEmailSkeletons() {
      db.prepare('UPDATE clients SET email_skeleton = NULL').run();
    },
    oneTimeTokensOf: async (clientId) => db.prepare<[string], Record<string, unknown>>('SELECT * FROM one_time_tokens WHERE client_id = ?').all(clientId),
    dumpMailOutbox: async () => JSON.stringify(db.prepare('SELECT * FROM mail_outbox').all()),
    async backdateSessionsOf(clientId, ms) {
      db.prepare('UPDATE sessions SET created_at = created_at - ? WHERE client_id = ?').run(ms, clientId);
    },
    close: async () => {
      db.close();
    },
  };
}
