import type { ClientQuery, ClientStore, MarkedClient, PendingDeletion } from '../../domain/clients/ports.js';
import type { ClientKind, ClientRecord } from '../../domain/kernel/client.js';
import { DuplicateKeyError } from '../../domain/kernel/errors.js';
import type { Logger } from '../../domain/kernel/logger.js';
import { emailSkeleton, reportLookAlike, shadowedSkeleton } from '../confusables/email-skeleton.js';
import { clientListQuery, LIVE } from './sqlite-client-list.js';
import { fromMillis, isUniqueViolation, type SqliteDatabase, toMillis } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

interface ClientRow {
  id: string;
  kind: string;
  email: string;
  first_name: string;
  last_name: string;
  phone_number: string;
  name: string;
  groups_json: string;
  attributes_json: string;
  password_hash: string | null;
  secret_hash: string | null;
  suspended: number;
  suspension_reason: string;
  suspended_at: number | null;
  suspended_by: string;
  created_at: number;
  updated_at: number;
  email_verified_at: number | null;
  /** A service's last token issue (recordTokenIssue); NULL until one, and on users. */
  last_token_at: number | null;
  /** NULL only on rows an earlier release stored, until `fillEmailSkeletons`. */
  email_skeleton: string | null;
}

/** The columns of a deletion mark, NULL until the client is marked deleted. */
interface DeletionColumns {
  deletion_request_id: string | null;
  deletion_at: number | null;
  deletion_by: string | null;
}

type ClientChanges = Partial<Omit<ClientRecord, 'id' | 'kind' | 'createdAt' | 'lastTokenIssuedAt'>>;

/** How each changeable field is stored: its column and its encoding. */
const COLUMNS: { [K in keyof Required<ClientChanges>]: [column: keyof ClientRow, encode: (value: ClientRecord[K]) => unknown] } = {
  email: ['email', (value) => value],
  firstName: ['first_name', (value) => value],
  lastName: ['last_name', (value) => value],
  phoneNumber: ['phone_number', (value) => value],
  name: ['name', (value) => value],
  groups: ['groups_json', (value) => JSON.stringify(value)],
  attributes: ['attributes_json', (value) => JSON.stringify(value)],
  passwordHash: ['password_hash', (value) => value],
  secretHash: ['secret_hash', (value) => value],
  suspended: ['suspended', (value) => (value ? 1 : 0)],
  suspensionReason: ['suspension_reason', (value) => value],
  suspendedAt: ['suspended_at', (value) => toMillis(value)],
  suspendedBy: ['suspended_by', (value) => value],
  updatedAt: ['updated_at', (value) => toMillis(value)],
  emailVerifiedAt: ['email_verified_at', (value) => toMillis(value)],
};

/**
 * Clients in the `clients` table; its UNIQUE email and email_skeleton columns make
 * registration atomic on the email and on what a reader sees in it. Each client's groups
 * are also rows of `client_groups`, which the schema's triggers keep in step with every
 * write of the row (docs/adr/0020-client-groups-kept-by-triggers.md); only `list` reads them.
 */
export class SqliteClientStore implements ClientStore {
  private readonly insertStatement;
  private readonly byId;
  private readonly byEmail;
  private readonly deleteStatement;
  private readonly markStatement;
  private readonly anyById;
  private readonly marked;
  private readonly tokenIssueStatement;

  constructor(private readonly db: SqliteDatabase) {
    this.insertStatement = db.prepare(`
      INSERT INTO clients (id, kind, email, first_name, last_name, phone_number, name, groups_json, attributes_json,
        password_hash, secret_hash, suspended, suspension_reason, suspended_at, suspended_by, created_at, updated_at, email_verified_at, last_token_at, email_skeleton)
      VALUES (@id, @kind, @email, @first_name, @last_name, @phone_number, @name, @groups_json, @attributes_json,
        @password_hash, @secret_hash, @suspended, @suspension_reason, @suspended_at, @suspended_by, @created_at, @updated_at, @email_verified_at, @last_token_at, @email_skeleton)`);
    this.byId = db.prepare<[string], ClientRow>(`SELECT * FROM clients WHERE id = ? AND ${LIVE}`);
    this.byEmail = db.prepare<[string], ClientRow>(`SELECT * FROM clients WHERE email = ? AND ${LIVE}`);
    this.deleteStatement = db.prepare<[string]>('DELETE FROM clients WHERE id = ?');
    this.markStatement = db.prepare<[string, number, string, string]>(
      `UPDATE clients SET deletion_request_id = ?, deletion_at = ?, deletion_by = ? WHERE id = ? AND ${LIVE}`,
    );
    this.anyById = db.prepare<[string], ClientRow & DeletionColumns>('SELECT * FROM clients WHERE id = ?');
    this.marked = db.prepare<[number], ClientRow & DeletionColumns>(
      'SELECT * FROM clients WHERE deletion_request_id IS NOT NULL ORDER BY deletion_at, id LIMIT ?',
    );
    this.tokenIssueStatement = db.prepare<[number, string, number]>(
      `UPDATE clients SET last_token_at = ? WHERE id = ? AND ${LIVE} AND (last_token_at IS NULL OR last_token_at < ?)`,
    );
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the client store');
  }

  async insert(client: ClientRecord): Promise<void> {
    try {
      this.insertStatement.run(toRow(client));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError('email');
      throw error;
    }
  }

  async findById(id: string): Promise<ClientRecord | null> {
    return fromRow(this.byId.get(id));
  }

  async findByEmail(email: string): Promise<ClientRecord | null> {
    return fromRow(this.byEmail.get(email));
  }

  async update(id: string, changes: ClientChanges): Promise<ClientRecord | null> {
    const assignments: string[] = [];
    const values: unknown[] = [];
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      const mapping = COLUMNS[field as keyof ClientChanges] as [string, (value: unknown) => unknown] | undefined;
      if (!mapping) throw new Error(`SqliteClientStore.update cannot change "${field}"`);
      assignments.push(`${mapping[0]} = ?`);
      values.push(mapping[1](value));
    }
    if (changes.email !== undefined) {
      assignments.push('email_skeleton = ?');
      values.push(emailSkeleton(changes.email));
    }
    if (assignments.length === 0) return this.findById(id);
    const update = this.db.prepare<unknown[], ClientRow>(`UPDATE clients SET ${assignments.join(', ')} WHERE id = ? AND ${LIVE} RETURNING *`);
    try {
      return fromRow(update.get(...values, id));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError('email');
      throw error;
    }
  }

  async recordTokenIssue(id: string, at: Date, notBefore: Date): Promise<void> {
    this.tokenIssueStatement.run(toMillis(at), id, toMillis(notBefore));
  }

  async markDeleted(id: string, deletion: PendingDeletion): Promise<MarkedClient | null> {
    this.markStatement.run(deletion.requestId, toMillis(deletion.at), deletion.by, id);
    // Read back: if the client was marked already, its earlier deletion is the one that stands.
    return markedOf(this.anyById.get(id));
  }

  async listMarkedDeleted(limit: number): Promise<MarkedClient[]> {
    return this.marked.all(limit).map((row) => markedOf(row)!);
  }

  async delete(id: string): Promise<boolean> {
    return this.deleteStatement.run(id).changes === 1;
  }

  async list(query: ClientQuery): Promise<ClientRecord[]> {
    const { sql, params } = clientListQuery(this.db, query);
    return this.db
      .prepare<unknown[], ClientRow>(sql)
      .all(...params)
      .map((row) => fromRow(row)!);
  }
}

function toRow(client: ClientRecord): ClientRow {
  return {
    id: client.id,
    kind: client.kind,
    email: client.email,
    first_name: client.firstName,
    last_name: client.lastName,
    phone_number: client.phoneNumber,
    name: client.name,
    groups_json: JSON.stringify(client.groups),
    attributes_json: JSON.stringify(client.attributes),
    password_hash: client.passwordHash,
    secret_hash: client.secretHash,
    suspended: client.suspended ? 1 : 0,
    suspension_reason: client.suspensionReason,
    suspended_at: toMillis(client.suspendedAt),
    suspended_by: client.suspendedBy,
    created_at: toMillis(client.createdAt),
    updated_at: toMillis(client.updatedAt),
    email_verified_at: toMillis(client.emailVerifiedAt),
    last_token_at: toMillis(client.lastTokenIssuedAt),
    email_skeleton: emailSkeleton(client.email),
  };
}

/**
 * Gives the rows an earlier release stored their email's skeleton, at start-up (before the
 * service serves, in one transaction); returns how many it filled. A row whose email reads
 * as another's that was stored first (two look-alikes from before this rule) keeps working
 * under a skeleton no other email can have, and is logged: look-alikes of both stay refused,
 * since they read as the first one.
 */
export function fillEmailSkeletons(db: SqliteDatabase, log: Logger): number {
  const unfilled = db.prepare<[], { id: string; email: string }>('SELECT id, email FROM clients WHERE email_skeleton IS NULL ORDER BY id').all();
  if (unfilled.length === 0) return 0;
  const set = db.prepare<[string, string]>('UPDATE clients SET email_skeleton = ? WHERE id = ?');
  const holderOf = db.prepare<[string], { id: string }>('SELECT id FROM clients WHERE email_skeleton = ?');
  db.transaction(() => {
    for (const { id, email } of unfilled) {
      const skeleton = emailSkeleton(email);
      const holder = holderOf.get(skeleton);
      if (holder) {
        set.run(shadowedSkeleton(skeleton, id), id);
        reportLookAlike(log, holder.id, id);
      } else set.run(skeleton, id);
    }
  }).immediate();
  log.info({ filled: unfilled.length }, 'email skeletons filled for clients stored by an earlier release');
  return unfilled.length;
}

function markedOf(row: (ClientRow & DeletionColumns) | undefined): MarkedClient | null {
  if (!row || row.deletion_request_id === null) return null;
  return {
    client: fromRow(row)!,
    deletion: { requestId: row.deletion_request_id, at: fromMillis(row.deletion_at!), by: row.deletion_by ?? '' },
  };
}

function fromRow(row: ClientRow | undefined): ClientRecord | null {
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind as ClientKind,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    phoneNumber: row.phone_number,
    name: row.name,
    groups: JSON.parse(row.groups_json) as string[],
    attributes: JSON.parse(row.attributes_json) as Record<string, string>,
    passwordHash: row.password_hash,
    secretHash: row.secret_hash,
    suspended: row.suspended === 1,
    suspensionReason: row.suspension_reason,
    suspendedAt: fromMillis(row.suspended_at),
    suspendedBy: row.suspended_by,
    createdAt: fromMillis(row.created_at),
    updatedAt: fromMillis(row.updated_at),
    emailVerifiedAt: fromMillis(row.email_verified_at),
    lastTokenIssuedAt: fromMillis(row.last_token_at),
  };
}
